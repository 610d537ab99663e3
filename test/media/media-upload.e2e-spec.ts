import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOCK, Clock } from '../../src/common/clock';
import { MediaReferencesRepository } from '../../src/media/media-references.repository';
import { MediaSweeper } from '../../src/media/media-sweeper';
import { MediaService } from '../../src/media/media.service';
import { MediaModule } from '../../src/media/media.module';
import { signInAccount } from '../support/factories';
import {
  animatedGif,
  BLUE,
  exifHasGps,
  HTML_AS_PNG,
  htmlPngPolyglot,
  jpegWithGpsAndOrientation,
  near,
  padPng,
  PDF,
  pixelAt,
  png,
  pngBomb,
  pngHtmlPolyglot,
  RED,
  SVG_WITH_SCRIPT,
  truncatedJpeg,
  webp,
} from '../support/images';
import { Driver, download, mediaRowCount, postMultipart, uploadMedia, useMediaApp } from '../support/media';
import { startTestApp, TestApp } from '../support/test-app';

/** Small, so the one-byte-over case stays cheap. */
const MAX_BYTES = 200 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The whole flow, once per storage driver: the S3 one against a real S3-protocol server in this process. */
describe.each<Driver>(['local', 's3'])('media with the %s driver', (driver) => {
  const { t, store } = useMediaApp(driver, { MEDIA_MAX_BYTES: String(MAX_BYTES), MEDIA_UPLOAD_RATE_LIMIT: '1000' });
  let user: string;
  let staff: string;
  beforeEach(async () => {
    user = (await t.login('o_media_user')).accessToken;
    staff = (await signInAccount(t, 'staff')).token;
  });

  /** Nothing stored and no row: what every refused upload must leave. */
  async function expectNothingStored() {
    expect(await mediaRowCount(t)).toBe(0);
    expect(await store.files()).toEqual([]);
  }

  it('should store an avatar PNG and serve it re-encoded under a random key', async () => {
    const res = await uploadMedia(t, user, await png(120, 80), 'avatar', { name: '../../etc/passwd.png', type: 'text/html' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      url: expect.stringMatching(/\/[0-9a-f]{32}\.png$/),
      purpose: 'avatar',
      contentType: 'image/png',
      width: 120,
      height: 80,
      bytes: expect.any(Number),
      createdAt: expect.any(String),
    });
    expect(res.text).not.toContain('passwd');
    const key = res.body.url.split('/').pop();
    expect(await store.files()).toEqual([key]);
    const [row] = await t.dataSource.query(`SELECT owner_id, purpose, storage_key, content_type, bytes, width, height FROM media`);
    expect(row).toMatchObject({ purpose: 'avatar', storage_key: key, content_type: 'image/png', bytes: res.body.bytes, width: 120, height: 80 });

    const served = await download(res.body.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.data.length).toBe(res.body.bytes);
    const meta = await sharp(served.data).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 120, height: 80 });
  });

  it('should drop EXIF and GPS, apply the orientation and cap an avatar at 640 px', async () => {
    const photo = await jpegWithGpsAndOrientation(1600, 1000);
    // The test file is what it claims: landscape pixels, Orientation 6, a GPS block.
    const original = await sharp(photo).metadata();
    expect(original).toMatchObject({ width: 1600, height: 1000, orientation: 6 });
    expect(exifHasGps(original.exif)).toBe(true);

    const res = await uploadMedia(t, user, photo, 'avatar');
    expect(res.status).toBe(201);
    // Rotated a quarter turn, then the longest side capped.
    expect(res.body).toMatchObject({ contentType: 'image/jpeg', width: 400, height: 640 });

    const served = await download(res.body.url);
    const meta = await sharp(served.data).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 400, height: 640 });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(served.data.includes(Buffer.from('WxmallTestCam'))).toBe(false);
    // The blue band on the left of the stored pixels is on top once turned clockwise.
    expect(near(await pixelAt(served.data, 200, 20), BLUE)).toBe(true);
    expect(near(await pixelAt(served.data, 200, 600), RED)).toBe(true);
  });

  it('should let staff store goods images, WebP and animated GIF, capped at 2048 px', async () => {
    const wide = await uploadMedia(t, staff, await webp(3000, 300), 'goods');
    expect(wide.status).toBe(201);
    expect(wide.body).toMatchObject({ purpose: 'goods', contentType: 'image/webp', width: 2048, height: 205 });
    expect((await sharp((await download(wide.body.url)).data).metadata()).format).toBe('webp');

    const gif = await uploadMedia(t, staff, await animatedGif(40, 30, 3), 'goods');
    expect(gif.status).toBe(201);
    expect(gif.body).toMatchObject({ contentType: 'image/gif', width: 40, height: 30 });
    const served = await sharp((await download(gif.body.url)).data, { animated: true }).metadata();
    expect(served).toMatchObject({ format: 'gif', pages: 3 });
    expect(await store.files()).toHaveLength(2);
  });

  it.each([
    ['HTML named .png sent as image/png', () => HTML_AS_PNG, 415, 'MEDIA_TYPE_UNSUPPORTED'],
    ['an SVG with a script', () => SVG_WITH_SCRIPT, 415, 'MEDIA_TYPE_UNSUPPORTED'],
    ['a PDF', () => PDF, 415, 'MEDIA_TYPE_UNSUPPORTED'],
    ['an HTML document with a PNG inside', htmlPngPolyglot, 415, 'MEDIA_TYPE_UNSUPPORTED'],
    ['a truncated JPEG', truncatedJpeg, 422, 'MEDIA_UNREADABLE'],
    ['a PNG header claiming 20,000 × 20,000 pixels', () => pngBomb(), 422, 'MEDIA_TOO_LARGE_IMAGE'],
  ] as const)('should refuse %s and keep nothing', async (_name, make, status, code) => {
    const data = await make();
    const res = await uploadMedia(t, user, data, 'avatar', { name: 'avatar.png', type: 'image/png' });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status, code });
    await expectNothingStored();
  });

  it('should refuse a file one byte over MEDIA_MAX_BYTES with 413, and take one of exactly that size', async () => {
    const image = await png(64, 64);
    const over = await uploadMedia(t, user, padPng(image, MAX_BYTES + 1));
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    await expectNothingStored();

    const exact = await uploadMedia(t, user, padPng(image, MAX_BYTES));
    expect(exact.status).toBe(201);
    // The padding was not image data: it is gone from the stored file.
    expect(exact.body.bytes).toBeLessThan(MAX_BYTES / 10);
  });

  it('should refuse an upload far over the limit with 413 and store nothing', async () => {
    // 40 × the limit, sent by a client that is still writing when the answer comes.
    const huge = padPng(await png(64, 64), MAX_BYTES * 40);
    const res = await uploadMedia(t, user, huge);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expectNothingStored();
    // The app is fine afterwards.
    expect((await uploadMedia(t, user, await png(8, 8))).status).toBe(201);
  });

  it('should answer 400 to a multipart body without a file, with two files, or with an unknown field', async () => {
    const image = await png(32, 32);
    const none = await postMultipart(t, '/api/media', { token: user, fields: { purpose: 'avatar' } });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ statusCode: 400, code: 'MEDIA_FILE_MISSING' });

    const two = await postMultipart(t, '/api/media', { token: user, fields: { purpose: 'avatar' }, files: [{ data: image }, { data: image }] });
    expect(two.status).toBe(400);
    expect(two.body).toMatchObject({ code: 'MEDIA_UPLOAD_INVALID' });

    const unknownField = await postMultipart(t, '/api/media', { token: user, fields: { purpose: 'avatar', owner: 'someone' }, files: [{ data: image }] });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toMatchObject({ code: 'MEDIA_UPLOAD_INVALID' });

    const otherFileField = await postMultipart(t, '/api/media', { token: user, fields: { purpose: 'avatar' }, files: [{ data: image, field: 'image' }] });
    expect(otherFileField.status).toBe(400);

    const badPurpose = await uploadMedia(t, user, image, 'banner');
    expect(badPurpose.status).toBe(400);
    expect(badPurpose.body).toMatchObject({ code: 'MEDIA_PURPOSE_INVALID' });

    const json = await t.request('POST', '/api/media', { token: user, body: { purpose: 'avatar' } });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ code: 'MEDIA_FILE_MISSING' });
    await expectNothingStored();
  });

  it('should keep goods images to staff and admins (403), and uploads to signed-in callers (401)', async () => {
    const image = await png(32, 32);
    const asUser = await uploadMedia(t, user, image, 'goods');
    expect(asUser.status).toBe(403);
    expect(asUser.body).toMatchObject({ statusCode: 403, code: 'ROLE_FORBIDDEN' });
    const anonymous = await uploadMedia(t, undefined, image, 'avatar');
    expect(anonymous.status).toBe(401);
    await expectNothingStored();
    const admin = (await signInAccount(t, 'admin')).token;
    expect((await uploadMedia(t, admin, image, 'goods')).status).toBe(201);
  });

  it('should sweep an upload nothing refers to 24 h after it, keep a referenced one, and free a released one', async () => {
    const media = t.app.select(MediaModule);
    const clock = t.app.get<Clock>(CLOCK);
    const sweeper = media.get(MediaSweeper, { strict: true });
    const references = media.get(MediaReferencesRepository, { strict: true });
    const service = media.get(MediaService, { strict: true });
    const start = Date.now();
    vi.spyOn(clock, 'now').mockReturnValue(start);

    const unused = (await uploadMedia(t, user, await png(30, 30))).body;
    const avatar = (await uploadMedia(t, user, await png(31, 31))).body;
    const userId = (await t.request('GET', '/api/users/me', { token: user })).body.id;
    // What the users module does when it saves an avatar: the reference, in its own transaction.
    await t.dataSource.transaction((tx) => references.replace(tx, { type: 'user', id: userId }, [avatar.url]));

    vi.spyOn(clock, 'now').mockReturnValue(start + DAY_MS - 60_000);
    expect(await sweeper.sweep()).toEqual({ unused: 0, released: 0 });
    expect(await store.files()).toHaveLength(2);

    vi.spyOn(clock, 'now').mockReturnValue(start + DAY_MS + 60_000);
    expect(await sweeper.sweep()).toEqual({ unused: 1, released: 0 });
    const keyOf = (url: string) => url.split('/').pop()!;
    expect(await store.files()).toEqual([keyOf(avatar.url)]);
    expect((await t.dataSource.query(`SELECT id FROM media`)).map((r: { id: string }) => r.id)).toEqual([avatar.id]);
    expect((await download(unused.url)).status).toBe(404);
    expect((await download(avatar.url)).status).toBe(200);

    // A new avatar replaces it: the old one is freed as soon as the change is committed.
    const next = (await uploadMedia(t, user, await png(32, 32))).body;
    const released = await t.dataSource.transaction((tx) => references.replace(tx, { type: 'user', id: userId }, [next.url]));
    expect(released).toEqual([avatar.id]);
    expect(await service.free(released)).toBe(1);
    expect(await store.files()).toEqual([keyOf(next.url)]);
    expect((await download(avatar.url)).status).toBe(404);
  });
});
