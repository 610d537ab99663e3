import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { png } from '../support/images';
import { mediaRowCount, postMultipart, startMediaStore, TestMediaStore, uploadMedia } from '../support/media';
import { startTestApp, TestApp } from '../support/test-app';

/** A GET with the path sent exactly as written (fetch would normalise `..` and friends). */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /media/{key} (local driver)', () => {
  let store: TestMediaStore;
  let t: TestApp;
  let token: string;
  let key: string;

  beforeAll(async () => {
    store = await startMediaStore('local');
    t = await startTestApp({ env: store.env });
    await t.reset();
    token = (await t.login('o_media_serving')).accessToken;
    const res = await uploadMedia(t, token, await png(50, 40));
    expect(res.status).toBe(201);
    key = res.body.url.split('/').pop();
    // No MEDIA_PUBLIC_BASE_URL: the app's own /media/, outside /api, on the origin the upload came to.
    expect(res.body.url).toBe(`${t.url}/media/${key}`);
  });
  afterAll(async () => {
    await t?.close();
    await store?.close();
  });

  it('should serve the image publicly with its type, nosniff, a script-free CSP, an immutable cache and an ETag', async () => {
    const res = await rawGet(t.url, `/media/${key}`);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=31536000, immutable',
      etag: `"${key.slice(0, 32)}"`,
      'cross-origin-resource-policy': 'cross-origin',
    });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
  });

  it('should answer 304 without a body to a matching If-None-Match', async () => {
    const first = await rawGet(t.url, `/media/${key}`);
    const again = await rawGet(t.url, `/media/${key}`, { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    const listed = await rawGet(t.url, `/media/${key}`, { 'if-none-match': `"other", W/${String(first.headers.etag)}` });
    expect(listed.status).toBe(304);
    const stale = await rawGet(t.url, `/media/${key}`, { 'if-none-match': '"0123"' });
    expect(stale.status).toBe(200);
  });

  it.each([
    ['an unknown key', () => '/media/0123456789abcdef0123456789abcdef.png'],
    ['a key with another extension', () => `/media/${key.replace('.png', '.jpg')}`],
    ['`..`', () => '/media/..'],
    ['a climb out of the folder', () => '/media/../package.json'],
    ['an encoded climb', () => '/media/..%2F..%2Fpackage.json'],
    ['an encoded slash inside a key', () => `/media/${key.slice(0, 2)}%2F${key}`],
    ['an encoded backslash', () => `/media/..%5Cpackage.json`],
    ['a nested path', () => `/media/${key.slice(0, 2)}/${key}`],
    ['a NUL byte', () => `/media/${key}%00.png`],
  ])('should answer 404 to %s', async (_name, path) => {
    const res = await rawGet(t.url, path());
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).not.toContain('"name"');
  });

  it('should not serve the stored images under /api', async () => {
    expect((await rawGet(t.url, `/api/media/${key}`)).status).toBe(404);
  });

  it('should answer 415 to a multipart body on a JSON route, as to any body that is not JSON', async () => {
    const res = await postMultipart(t, '/api/users/me/wechat-profile', { token, fields: { encryptedData: 'x', iv: 'y' } });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('should document POST /api/media as multipart in the OpenAPI document, and leave the image route out', async () => {
    const doc = (await t.request('GET', '/docs-json')).body;
    const op = doc.paths['/api/media'].post;
    expect(Object.keys(op.requestBody.content)).toEqual(['multipart/form-data']);
    expect(op.requestBody.content['multipart/form-data'].schema.required).toEqual(['file', 'purpose']);
    expect(op.responses['201'].content['application/json'].schema.$ref).toMatch(/MediaResponse$/);
    for (const [status, code] of [['413', 'PAYLOAD_TOO_LARGE'], ['415', 'MEDIA_TYPE_UNSUPPORTED'], ['422', 'MEDIA_TOO_LARGE_IMAGE'], ['429', 'RATE_LIMITED'], ['403', 'ROLE_FORBIDDEN']]) {
      expect(op.responses[status].description).toContain(code);
    }
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/media'))).toEqual([]);
  });
});

describe('media with MEDIA_PUBLIC_BASE_URL and the s3 driver', () => {
  let store: TestMediaStore;
  let t: TestApp;

  beforeAll(async () => {
    store = await startMediaStore('s3');
    t = await startTestApp({ env: store.env });
    await t.reset();
  });
  afterAll(async () => {
    await t?.close();
    await store?.close();
  });

  it('should give URLs under MEDIA_PUBLIC_BASE_URL, and not proxy the bucket at /media/', async () => {
    const token = (await t.login('o_media_s3')).accessToken;
    const res = await uploadMedia(t, token, await png(20, 20));
    expect(res.status).toBe(201);
    const key = res.body.url.split('/').pop();
    expect(res.body.url).toBe(`${store.env.MEDIA_PUBLIC_BASE_URL}/${key}`);
    const fromBucket = await fetch(res.body.url);
    expect(fromBucket.status).toBe(200);
    expect(fromBucket.headers.get('content-type')).toBe('image/png');
    expect(fromBucket.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await rawGet(t.url, `/media/${key}`)).status).toBe(404);
  });
});

describe('upload rate limit', () => {
  let store: TestMediaStore;
  let t: TestApp;
  const LIMIT = 2;

  beforeAll(async () => {
    store = await startMediaStore('local');
    t = await startTestApp({ env: { ...store.env, MEDIA_UPLOAD_RATE_LIMIT: String(LIMIT) } });
  });
  beforeEach(async () => t.reset());
  afterEach(async () => store.empty());
  afterAll(async () => {
    await t?.close();
    await store?.close();
  });

  it('should answer 429 with Retry-After past MEDIA_UPLOAD_RATE_LIMIT uploads a minute, per user', async () => {
    const first = (await t.login('o_media_rl_1')).accessToken;
    const second = (await t.login('o_media_rl_2')).accessToken;
    const image = await png(10, 10);
    for (let i = 0; i < LIMIT; i++) expect((await uploadMedia(t, first, image)).status).toBe(201);
    // Refused uploads count too: the cost is in reading and decoding, whatever the outcome.
    const throttled = await uploadMedia(t, first, image);
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await store.files()).toHaveLength(LIMIT);
    // Another user has a limit of their own.
    expect((await uploadMedia(t, second, image)).status).toBe(201);
  });
});

describe('a store that refuses the file', () => {
  let dir: string;
  let t: TestApp;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wxmall-media-broken-'));
    // The media folder would be inside a regular file: every write fails.
    await writeFile(join(dir, 'not-a-folder'), 'x');
    t = await startTestApp({ env: { STORAGE_DRIVER: 'local', STORAGE_LOCAL_DIR: join(dir, 'not-a-folder', 'media') } });
    await t.reset();
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should answer 503 MEDIA_STORAGE_UNAVAILABLE and keep no row', async () => {
    const token = (await t.login('o_media_broken')).accessToken;
    const res = await uploadMedia(t, token, await png(10, 10));
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, code: 'MEDIA_STORAGE_UNAVAILABLE' });
    expect(await mediaRowCount(t)).toBe(0);
  });
});
