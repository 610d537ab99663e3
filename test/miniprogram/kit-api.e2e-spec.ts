import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertGoods } from '../support/factories';
import { png } from '../support/miniprogram/png';
import { expireStoredAccessToken, phone, rejectionOf, ServerRequestLog, storedPair } from '../support/miniprogram/kit-harness';
import { startTestApp, TestApp } from '../support/test-app';

const AVATAR = '/api/users/me/avatar';

describe('mini program kit: profile and goods helpers', () => {
  let t: TestApp;
  let server: ServerRequestLog;
  let tmp: string;
  beforeAll(async () => {
    t = await startTestApp();
    server = new ServerRequestLog(t);
    tmp = mkdtempSync(join(tmpdir(), 'wxmall-mp-'));
  });
  beforeEach(async () => {
    await t.reset();
    server.clear();
  });
  afterAll(async () => {
    server.stop();
    await t.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('should update the profile with PUT, since wx.request cannot send PATCH', async () => {
    const p = phone(t, { openid: 'o_mp_update' });
    const user = await p.api.updateMe({ nickname: '小明', gender: 'male' } as any);
    expect(user).toMatchObject({ openid: 'o_mp_update', nickname: '小明', gender: 'male' });
    expect(server.to('PUT', '/api/users/me').map((r) => r.status)).toEqual([200]);
    expect((await p.api.getMe()).nickname).toBe('小明');
    // The shim refuses PATCH as WeChat does, so the kit cannot lean on it.
    expect(await rejectionOf(p.api.request({ method: 'PATCH' as any, url: '/api/users/me', data: { nickname: 'x' } }))).toMatchObject({
      statusCode: 0,
      code: 'NETWORK_ERROR',
    });
  });

  it('should surface a validation error with its status, code, messages and request id, changing nothing', async () => {
    const p = phone(t, { openid: 'o_mp_invalid' });
    const err = await rejectionOf(p.api.updateMe({ role: 'admin' } as any));
    expect(err).toMatchObject({ name: 'ApiError', statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(err.messages).toEqual([expect.stringContaining('role')]);
    expect(err.message).toContain('role');
    expect(err.requestId).toBe(p.shim.exchangesTo('/api/users/me').at(-1)!.requestId);
    expect((await p.api.getMe()).role).toBe('user');
  });

  it('should walk the goods catalogue by cursor to its end, with filters kept', async () => {
    await insertGoods(
      t,
      Array.from({ length: 23 }, (_, i) => ({ name: i % 2 === 0 ? `牛奶 ${i}` : `面包 ${i}`, createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString() })),
    );
    const p = phone(t, { openid: 'o_mp_goods' });
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    for (;;) {
      const page = await p.api.listGoods({ search: '奶', pageSize: 5, cursor });
      sizes.push(page.items.length);
      seen.push(...page.items.map((g) => g.name));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(sizes).toEqual([5, 5, 2]);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(seen.every((name) => name.startsWith('牛奶'))).toBe(true);
  });

  it('should get one goods, and surface GOODS_NOT_FOUND for an unknown id', async () => {
    const [id] = await insertGoods(t, [{ name: '苹果', price: '12.50' }]);
    const p = phone(t, { openid: 'o_mp_one_goods' });
    expect(await p.api.getGoods(id)).toMatchObject({ id, name: '苹果', price: 12.5 });
    expect(await rejectionOf(p.api.getGoods('00000000-0000-4000-8000-000000000000'))).toMatchObject({ statusCode: 404, code: 'GOODS_NOT_FOUND' });
  });

  it('should answer NETWORK_ERROR (status 0) when the server cannot be reached, without retrying', async () => {
    const closed = await freePort();
    const p = phone(t, { openid: 'o_mp_offline', apiOptions: { baseUrl: `http://127.0.0.1:${closed}` } });
    const err = await rejectionOf(p.api.login());
    expect(err).toMatchObject({ name: 'ApiError', statusCode: 0, code: 'NETWORK_ERROR' });
    expect(err.message).toMatch(/^request:fail/);
    expect(p.shim.calls.login).toBe(1);
  });

  it('should send files with wx.uploadFile (field `file`, the bearer token), parse its string answer, and refresh and re-send on TOKEN_EXPIRED', async () => {
    // Until the avatar route exists, a stand-in upload endpoint that answers like it: it checks
    // the token with the real server (POST /api/auth/verify) and answers the real GET /api/users/me.
    const received: { field: string; filename: string; bytes: Buffer }[] = [];
    const standIn = createHttpServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const verified = await t.request('POST', '/api/auth/verify', { body: { token } });
      res.setHeader('content-type', 'application/json; charset=utf-8');
      if (verified.status !== 200) {
        res.statusCode = verified.status;
        res.end(verified.text);
        return;
      }
      received.push(...multipartFiles(req.headers['content-type'] ?? '', Buffer.concat(chunks)));
      res.end((await t.request('GET', '/api/users/me', { token })).text);
    });
    await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r));
    try {
      const file = join(tmp, 'tmp_upload.png');
      writeFileSync(file, png(4, 4));
      const p = phone(t, { openid: 'o_mp_upload' });
      await p.api.login();
      expireStoredAccessToken(p.shim);
      const url = `http://127.0.0.1:${(standIn.address() as { port: number }).port}/avatar`;

      const user = await p.api.upload<{ openid: string }>({ url, filePath: file });
      expect(user.openid).toBe('o_mp_upload');
      expect(p.shim.exchangesTo('/avatar').map((e) => [e.api, e.status])).toEqual([
        ['uploadFile', 401],
        ['uploadFile', 200],
      ]);
      expect(server.to('POST', '/api/auth/refresh').map((r) => r.status)).toEqual([200]);
      expect(received).toEqual([{ field: 'file', filename: 'tmp_upload.png', bytes: png(4, 4) }]);
    } finally {
      standIn.closeAllConnections();
      await new Promise((r) => standIn.close(r));
    }
  });

  it('should upload the avatar with wx.uploadFile, refreshing an expired token on the way', async () => {
    const file = join(tmp, 'tmp_avatar.png');
    writeFileSync(file, png(8, 8));
    const p = phone(t, { openid: 'o_mp_avatar' });
    await p.api.login();
    expireStoredAccessToken(p.shim);

    const user = await p.api.uploadAvatar(file);
    expect(user.openid).toBe('o_mp_avatar');
    expect(user.avatarUrl).toMatch(/^https?:\/\//);
    expect(p.shim.exchangesTo(AVATAR).map((e) => [e.api, e.status])).toEqual([
      ['uploadFile', 401],
      ['uploadFile', 200],
    ]);
    expect(server.to('POST', '/api/auth/refresh').map((r) => r.status)).toEqual([200]);
    expect(p.shim.exchangesTo(AVATAR).at(-1)!.authorization).toBe(`Bearer ${storedPair(p.shim)!.accessToken}`);
    const image = await fetch(user.avatarUrl!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\//);
    expect((await p.api.getMe()).avatarUrl).toBe(user.avatarUrl);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The file parts of a multipart/form-data body: enough parsing to check what wx.uploadFile sent. */
function multipartFiles(contentType: string, body: Buffer): { field: string; filename: string; bytes: Buffer }[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const files: { field: string; filename: string; bytes: Buffer }[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const disposition = /name="([^"]*)"(?:; filename="([^"]*)")?/.exec(headers);
    if (disposition?.[2] !== undefined) files.push({ field: disposition[1], filename: disposition[2], bytes: Buffer.from(part.subarray(headerEnd + 4)) });
    start = next;
  }
  return files;
}
