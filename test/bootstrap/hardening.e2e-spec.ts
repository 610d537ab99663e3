import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/bootstrap';
import { MAX_JSON_DEPTH } from '../../src/http/json-body-parser';
import { signInAccount } from '../support/factories';
import { useTestApp } from '../support/test-app';

/** A raw HTTP request, so the test controls every header (fetch adds a content type to a string body). */
function rawRequest(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode!, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const mixed = (depth: number) => '[{"a":'.repeat(depth / 2) + 'null' + '}]'.repeat(depth / 2);

describe('hostile bodies at the HTTP edge', () => {
  const t = useTestApp();

  /** Every route that takes a body, as Fastify registered it, with a real id in its path. */
  const bodyRoutes = () =>
    registeredRoutes(t.app)
      .filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method) && r.url.startsWith('/api/'))
      .map((r) => ({ method: r.method, path: r.url.replace(/:[A-Za-z]+/g, randomUUID()) }));

  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    expect(res.body).toMatchObject({ statusCode: status, error: expect.any(String), code });
    expect(typeof res.body.message === 'string' || Array.isArray(res.body.message)).toBe(true);
    expect(res.status).toBe(status);
  };

  it('should know the body routes (the cases below cover each of them)', () => {
    expect(bodyRoutes().map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ':id')}`)).toEqual(
      expect.arrayContaining(['POST /api/auth/wechat/login', 'POST /api/auth/verify', 'PATCH /api/users/me', 'POST /api/goods', 'PATCH /api/goods/:id']),
    );
  });

  it('should answer 400 VALIDATION_FAILED for JSON nested deeper than the bound, on every body route, whatever the shape', async () => {
    const staff = await signInAccount(t, 'admin');
    const shapes = [nestedArrays(10_000), nestedObjects(5_000), mixed(4_000), `{"code":${nestedArrays(MAX_JSON_DEPTH)}}`, `{"name":"x","price":1,"description":${nestedObjects(200)}}`];
    for (const { method, path } of bodyRoutes()) {
      for (const body of shapes) {
        // With a token, and without one for the deepest: the body is refused before the token is looked at.
        for (const token of body === shapes[0] ? [undefined, staff.token] : [staff.token]) {
          const res = await t.request(method, path, { rawBody: body, token });
          expectError(res, 400, 'VALIDATION_FAILED');
          expect(res.body.message).toBe(`Request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
        }
      }
    }
    expect(t.fake.calls.jscode2session).toBe(0);
  });

  it('should let a body exactly at the bound through to validation, and not count brackets inside strings', async () => {
    // 1 (the object) + MAX_JSON_DEPTH - 1 arrays: exactly the bound.
    const atBound = await t.request('POST', '/api/auth/verify', { rawBody: `{"token":"x","extra":${nestedArrays(MAX_JSON_DEPTH - 1)}}` });
    expect(atBound.status).toBe(400);
    expect(JSON.stringify(atBound.body.message)).toContain('extra');
    const over = await t.request('POST', '/api/auth/verify', { rawBody: `{"token":"x","extra":${nestedArrays(MAX_JSON_DEPTH)}}` });
    expect(over.body.message).toBe(`Request body is nested deeper than ${MAX_JSON_DEPTH} levels`);

    // Fastify's JSON parser still refuses prototype keys.
    for (const raw of ['{"token":"x","__proto__":{"role":"admin"}}', '{"token":"x","constructor":{"prototype":{"role":"admin"}}}']) {
      expectError(await t.request('POST', '/api/auth/verify', { rawBody: raw }), 400, 'VALIDATION_FAILED');
    }

    // Brackets and escaped quotes inside a string are text, not nesting.
    const inString = await t.request('POST', '/api/auth/verify', { rawBody: JSON.stringify({ token: '\\"[{'.repeat(300) }) });
    expectError(inString, 401, 'TOKEN_INVALID');
  });

  it('should answer 400 for a string that is not Unicode (an unpaired surrogate escape), never a 500, and change nothing', async () => {
    // Found by the fuzz test: validator's isEmail calls encodeURI, which throws on a lone surrogate.
    const pair = await t.login('o_surrogate');
    const before = (await t.request('GET', '/api/users/me', { token: pair.accessToken })).body;
    for (const raw of ['{"email":"a\\udfffb@example.com"}', '{"nickname":"x\\ud800"}', '{"city":"\\udc00\\ud800"}']) {
      const res = await t.request('PATCH', '/api/users/me', { token: pair.accessToken, rawBody: raw });
      expect(res.status, raw).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const ok = await t.request('PATCH', '/api/users/me', { token: pair.accessToken, rawBody: '{"nickname":"\\ud83d\\ude00"}' });
    expect(ok.status).toBe(200);
    expect(ok.body.nickname).toBe('😀');
    expect({ ...(await t.request('GET', '/api/users/me', { token: pair.accessToken })).body, nickname: before.nickname, updatedAt: before.updatedAt }).toEqual(before);
  });

  it('should answer 415 UNSUPPORTED_MEDIA_TYPE for every body that is not JSON, on every body route, and change nothing', async () => {
    const staff = await signInAccount(t, 'admin');
    // What a route takes besides JSON (an upload route's multipart, with @AcceptBody()), as its OpenAPI operation says.
    const doc = (await t.request('GET', '/docs-json')).body as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    const accepts = (method: string, path: string) =>
      Object.keys(doc.paths[path.replace(/[0-9a-f-]{36}/, '{id}')]?.[method.toLowerCase()]?.requestBody?.content ?? {});
    const bodies: [string | undefined, string][] = [
      ['application/x-www-form-urlencoded', 'code=abc'],
      ['text/plain', '{"code":"abc"}'],
      ['application/xml', '<code>abc</code>'],
      ['text/xml', '<code>abc</code>'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="code"\r\n\r\nabc\r\n--x--\r\n'],
      ['application/octet-stream', '{"code":"abc"}'],
      ['application/jsonp', '{"code":"abc"}'],
      [undefined, '{"code":"abc"}'],
    ];
    for (const { method, path } of bodyRoutes()) {
      for (const [type, body] of bodies) {
        if (type && accepts(method, path).includes(type.split(';')[0])) continue;
        const headers: Record<string, string> = { authorization: `Bearer ${staff.token}` };
        if (type) headers['content-type'] = type;
        const res = await rawRequest(t.url, method, path, headers, body);
        expect(res.status, `${method} ${path} with ${type ?? 'no content type'}`).toBe(415);
        expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
    }
    // A form-encoded login did not log anyone in.
    expect(t.fake.calls.jscode2session).toBe(0);
    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM users');
    expect(count).toBe(1);
  });

  it('should accept JSON whatever the case of its media type and with a charset', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8']) {
      const res = await t.request('POST', '/api/auth/wechat/login', { body: { code: t.fake.issueCode('o_json') }, headers: { 'content-type': type } });
      expect(res.status, type).toBe(200);
    }
  });

  it('should still answer a body-less POST and an empty JSON body like before', async () => {
    const none = await rawRequest(t.url, 'POST', '/api/auth/verify', {});
    expectError(none, 400, 'VALIDATION_FAILED');
    const empty = await rawRequest(t.url, 'POST', '/api/auth/verify', { 'content-type': 'application/json', 'content-length': '0' }, '');
    expectError(empty, 400, 'VALIDATION_FAILED');
  });

  it('should answer 414 URI_TOO_LONG for an over-long path parameter, in the error shape, without echoing the path', async () => {
    const staff = await signInAccount(t, 'admin');
    const long = 'a'.repeat(500);
    for (const [method, path] of [
      ['GET', `/api/goods/${long}`],
      ['PATCH', `/api/goods/${long}`],
      ['PATCH', `/api/users/${long}`],
    ]) {
      const res = await t.request(method, path, { token: staff.token, body: method === 'GET' ? undefined : {} });
      expectError(res, 414, 'URI_TOO_LONG');
      expect(res.body.error).toBe('URI Too Long');
      expect(res.text).not.toContain('aaaaaaaaaa');
      expect(res.text).not.toMatch(/FST_/);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('a trailing slash', () => {
  const t = useTestApp();

  it('should answer exactly like the path without it', async () => {
    const staff = await signInAccount(t, 'staff');
    const created = await t.request('POST', '/api/goods/', { token: staff.token, body: { name: '苹果', price: 1 } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (const path of ['/api/goods', `/api/goods/${id}`, '/api/users/me', '/api/health', '/api/goods?pageSize=1']) {
      const slashed = path.includes('?') ? path.replace('?', '/?') : `${path}/`;
      const [plain, withSlash] = [await t.request('GET', path, { token: staff.token }), await t.request('GET', slashed, { token: staff.token })];
      expect(plain.status, path).toBe(200);
      expect(withSlash.status, slashed).toBe(plain.status);
      expect(withSlash.body).toEqual(plain.body);
    }
    const patched = await t.request('PATCH', `/api/goods/${id}/`, { token: staff.token, body: { stock: 3, version: 1 } });
    expect(patched.status).toBe(200);
    expect(patched.body.stock).toBe(3);
    const verify = await t.request('POST', '/api/auth/verify/', { body: { token: staff.token } });
    expect(verify.status).toBe(200);
    // An unknown route stays a 404 either way.
    expect((await t.request('GET', '/api/nope/')).status).toBe(404);
  });
});
