import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signInAccount } from '../support/factories';
import { HTML_AS_PNG, jpegWithGpsAndOrientation, png, truncatedJpeg } from '../support/images';
import { Driver, download, mediaRowCount, postMultipart, startMediaStore, uploadMedia, useMediaApp } from '../support/media';
import { loginWithKey, sealOpenData, watermark } from '../support/open-data';
import { startTestApp, startTestAppForTest, TestApp } from '../support/test-app';

const AVATAR = '/api/users/me/avatar';
const MAX_BYTES = 200 * 1024;

const keyOf = (url: string) => url.split('/').pop()!;

/** POST /api/users/me/avatar, the way wx.uploadFile({ name: 'file', filePath }) sends it: one file part, a temporary file name. */
const uploadAvatar = (t: TestApp, token: string | undefined, data: Buffer, fields: Record<string, string> = {}) =>
  postMultipart(t, AVATAR, { token, fields, files: [{ data, name: 'tmp_9a8b7c6d.jpeg', type: 'image/jpeg' }] });

/** The avatar flow end to end, once per storage driver (the S3 one against a real S3-protocol server in this process). */
describe.each<Driver>(['local', 's3'])('POST /api/users/me/avatar with the %s driver', (driver) => {
  const { t, store } = useMediaApp(driver, { MEDIA_MAX_BYTES: String(MAX_BYTES), MEDIA_UPLOAD_RATE_LIMIT: '1000' });
  let token: string;
  let userId: string;
  beforeEach(async () => {
    const pair = await t.login('o_avatar');
    token = pair.accessToken;
    userId = pair.user.id;
  });

  const references = async () =>
    (await t.dataSource.query(`SELECT m.storage_key AS key, r.holder_type, r.holder_id FROM media_references r JOIN media m ON m.id = r.media_id ORDER BY 1`)) as {
      key: string;
      holder_type: string;
      holder_id: string;
    }[];

  it('should store the image, capped and without EXIF, answer the User with avatarUrl, and free the avatar it replaces', async () => {
    const first = await uploadAvatar(t, token, await jpegWithGpsAndOrientation(1600, 1000));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: userId, openid: 'o_avatar', avatarUrl: expect.stringMatching(/^https?:\/\/.+\/[0-9a-f]{32}\.jpg$/) });
    expect(first.text).not.toContain('tmp_9a8b7c6d');
    const served = await download(first.body.avatarUrl);
    expect(served.status).toBe(200);
    const meta = await sharp(served.data).metadata();
    // Orientation 6 applied (portrait now), longest side 640, no EXIF (so no GPS) left.
    expect(meta).toMatchObject({ width: 400, height: 640 });
    expect(meta.exif).toBeUndefined();
    expect((await t.request('GET', '/api/users/me', { token })).body.avatarUrl).toBe(first.body.avatarUrl);
    expect(await references()).toEqual([{ key: keyOf(first.body.avatarUrl), holder_type: 'user', holder_id: userId }]);
    const [{ owner_id, purpose }] = await t.dataSource.query(`SELECT owner_id, purpose FROM media`);
    expect({ owner_id, purpose }).toEqual({ owner_id: userId, purpose: 'avatar' });

    const second = await uploadAvatar(t, token, await png(50, 50));
    expect(second.status).toBe(200);
    expect(second.body.avatarUrl).not.toBe(first.body.avatarUrl);
    // The first avatar went at once, file and row.
    expect(await store.files()).toEqual([keyOf(second.body.avatarUrl)]);
    expect(await mediaRowCount(t)).toBe(1);
    expect((await download(first.body.avatarUrl)).status).not.toBe(200);
    expect(await references()).toEqual([{ key: keyOf(second.body.avatarUrl), holder_type: 'user', holder_id: userId }]);
  });

  it('should free an uploaded avatar when the profile points elsewhere or clears it, by PATCH and by PUT', async () => {
    const uploaded = (await uploadAvatar(t, token, await png(40, 40))).body.avatarUrl;
    const foreign = await t.request('PATCH', '/api/users/me', { token, body: { avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132' } });
    expect(foreign.status).toBe(200);
    expect(foreign.body.avatarUrl).toBe('https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132');
    expect(await store.files()).toEqual([]);
    expect(await mediaRowCount(t)).toBe(0);

    const again = (await uploadAvatar(t, token, await png(41, 41))).body.avatarUrl;
    expect(again).not.toBe(uploaded);
    const cleared = await t.request('PUT', '/api/users/me', { token, body: { avatarUrl: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.avatarUrl).toBeNull();
    expect(await store.files()).toEqual([]);
    expect(await references()).toEqual([]);
  });

  it('should keep the uploaded avatar when a PATCH leaves avatarUrl alone', async () => {
    const uploaded = (await uploadAvatar(t, token, await png(40, 40))).body.avatarUrl;
    const res = await t.request('PATCH', '/api/users/me', { token, body: { nickname: '小明' } });
    expect(res.body).toMatchObject({ nickname: '小明', avatarUrl: uploaded });
    expect(await store.files()).toEqual([keyOf(uploaded)]);
  });

  it('should take a two-step upload (POST /api/media, then PATCH) as the avatar, and keep it referenced', async () => {
    const media = await uploadMedia(t, token, await png(30, 30), 'avatar');
    expect(media.status).toBe(201);
    const res = await t.request('PATCH', '/api/users/me', { token, body: { avatarUrl: media.body.url } });
    expect(res.status).toBe(200);
    expect(await references()).toEqual([{ key: keyOf(media.body.url), holder_type: 'user', holder_id: userId }]);
    const [{ referenced }] = await t.dataSource.query(`SELECT referenced FROM media`);
    expect(referenced).toBe(true);
  });

  it('should free the uploaded avatar that a login with userInfo (wx.getUserProfile) replaces, and keep it on a plain login', async () => {
    const uploaded = (await uploadAvatar(t, token, await png(40, 40))).body.avatarUrl;
    await t.login('o_avatar');
    expect(await store.files()).toEqual([keyOf(uploaded)]);
    const pair = await t.login('o_avatar', { userInfo: { nickName: '小明', avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/new/132' } });
    expect(pair.user.avatarUrl).toBe('https://thirdwx.qlogo.cn/mmopen/vi_32/new/132');
    expect(await store.files()).toEqual([]);
    expect(await references()).toEqual([]);
  });

  it('should free the uploaded avatar that the decrypted WeChat profile replaces', async () => {
    const user = await loginWithKey(t, 'o_avatar_wx');
    const uploaded = (await uploadAvatar(t, user.token, await png(40, 40))).body.avatarUrl;
    expect(await store.files()).toEqual([keyOf(uploaded)]);
    const sealed = sealOpenData(user.sessionKey, { openId: 'o_avatar_wx', nickName: '小明', avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/wx/132', watermark: watermark() });
    const res = await t.request('POST', '/api/users/me/wechat-profile', { token: user.token, body: sealed });
    expect(res.status).toBe(200);
    expect(res.body.avatarUrl).toBe('https://thirdwx.qlogo.cn/mmopen/vi_32/wx/132');
    expect(await store.files()).toEqual([]);
  });

  it('should keep an image two holders share: an avatar that is also a goods picture', async () => {
    const staff = await signInAccount(t, 'staff');
    const uploaded = (await uploadAvatar(t, staff.token, await png(40, 40))).body.avatarUrl;
    const goods = await t.request('POST', '/api/goods', { token: staff.token, body: { name: '同图', price: 1, imageUrl: uploaded } });
    expect(goods.status).toBe(201);
    await uploadAvatar(t, staff.token, await png(41, 41));
    // The old avatar is still the goods' cover.
    expect(await store.files()).toContain(keyOf(uploaded));
    expect((await download(uploaded)).status).toBe(200);
  });

  it('should erase the avatar and the unused uploads with the account (DELETE /api/users/me)', async () => {
    const avatar = (await uploadAvatar(t, token, await png(40, 40))).body.avatarUrl;
    expect((await uploadMedia(t, token, await png(20, 20), 'avatar')).status).toBe(201);
    expect(await store.files()).toHaveLength(2);
    const erased = await t.request('DELETE', '/api/users/me', { token });
    expect(erased.status).toBe(204);
    expect(await store.files()).toEqual([]);
    expect(await mediaRowCount(t)).toBe(0);
    expect(await references()).toEqual([]);
    expect((await download(avatar)).status).not.toBe(200);
  });

  it.each([
    ['HTML named .jpeg', () => Promise.resolve(HTML_AS_PNG), 415, 'MEDIA_TYPE_UNSUPPORTED'],
    ['a truncated JPEG', truncatedJpeg, 422, 'MEDIA_UNREADABLE'],
    ['a file one byte over MEDIA_MAX_BYTES', () => Promise.resolve(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(MAX_BYTES - 2)])), 413, 'PAYLOAD_TOO_LARGE'],
  ])('should refuse %s, and keep the avatar and the store as they were', async (_label, make, status, code) => {
    const kept = (await uploadAvatar(t, token, await png(40, 40))).body.avatarUrl;
    const res = await uploadAvatar(t, token, await make());
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status, code });
    expect((await t.request('GET', '/api/users/me', { token })).body.avatarUrl).toBe(kept);
    expect(await store.files()).toEqual([keyOf(kept)]);
    expect(await mediaRowCount(t)).toBe(1);
  });

  it('should refuse no file, a second file, any field beside `file`, and JSON, with 400', async () => {
    const image = await png(10, 10);
    const none = await postMultipart(t, AVATAR, { token, fields: {} });
    expect(none.body).toMatchObject({ statusCode: 400, code: 'MEDIA_FILE_MISSING' });
    const two = await postMultipart(t, AVATAR, { token, files: [{ data: image }, { data: image }] });
    expect(two.body).toMatchObject({ statusCode: 400, code: 'MEDIA_UPLOAD_INVALID' });
    const withPurpose = await uploadAvatar(t, token, image, { purpose: 'avatar' });
    expect(withPurpose.body).toMatchObject({ statusCode: 400, code: 'MEDIA_UPLOAD_INVALID' });
    // A JSON body has no file: the avatar URL is set with PATCH /api/users/me instead.
    const json = await t.request('POST', AVATAR, { token, body: { avatarUrl: 'https://example.com/a.png' } });
    expect(json.body).toMatchObject({ statusCode: 400, code: 'MEDIA_FILE_MISSING' });
    expect(await mediaRowCount(t)).toBe(0);
    expect(await store.files()).toEqual([]);
    expect((await t.request('GET', '/api/users/me', { token })).body.avatarUrl).toBeNull();
  });

  it('should answer 401 without a token, and store nothing', async () => {
    const res = await uploadAvatar(t, undefined, await png(10, 10));
    expect(res.status).toBe(401);
    expect(await mediaRowCount(t)).toBe(0);
  });
});

describe('POST /api/users/me/avatar: rate limit', () => {
  it('should count against the upload rate limit shared with POST /api/media (429 with Retry-After)', async () => {
    const store = await startMediaStore('local');
    try {
      const t = await startTestAppForTest({ env: { ...store.env, MEDIA_UPLOAD_RATE_LIMIT: '2' } });
      await t.reset();
      const { accessToken } = await t.login('o_avatar_limit');
      const image = await png(10, 10);
      expect((await uploadMedia(t, accessToken, image, 'avatar')).status).toBe(201);
      expect((await uploadAvatar(t, accessToken, image)).status).toBe(200);
      const throttled = await uploadAvatar(t, accessToken, image);
      expect(throttled.status).toBe(429);
      expect(throttled.body.code).toBe('RATE_LIMITED');
      expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await store.close();
    }
  });
});
