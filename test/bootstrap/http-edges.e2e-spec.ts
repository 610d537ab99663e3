import { describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../../src/bootstrap';
import { useTestApp } from '../support/test-app';

describe('HTTP edges: input limits, error shapes, headers, request ids', () => {
  const t = useTestApp({ env: { CORS_ORIGINS: 'https://shop.example.com, https://admin.example.com' } });

  it('should answer 413 in the error shape for a body over 100 kB, and create nothing', async () => {
    const code = t.fake.issueCode('o_big');
    const res = await t.request('POST', '/api/auth/wechat/login', {
      rawBody: JSON.stringify({ code, userInfo: { nickName: 'x'.repeat(BODY_LIMIT_BYTES) } }),
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', code: 'PAYLOAD_TOO_LARGE' });
    expect(typeof res.body.message).toBe('string');
    expect(t.fake.calls.jscode2session).toBe(0);
    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM users');
    expect(count).toBe(0);
  });

  it('should accept a body just under the limit', async () => {
    const pair = await t.login('o_under');
    const res = await t.request('PATCH', '/api/users/me', {
      token: pair.accessToken,
      rawBody: JSON.stringify({ signature: 's' }) + ' '.repeat(BODY_LIMIT_BYTES - 100),
    });
    expect(res.status).toBe(200);
  });

  it('should answer 400 in Nest error shape for malformed JSON', async () => {
    const res = await t.request('POST', '/api/auth/wechat/login', { rawBody: '{"code": "abc",' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' });
    expect(typeof res.body.message).toBe('string');
    expect(t.fake.calls.jscode2session).toBe(0);
  });

  it('should answer 415 for a body that is not JSON', async () => {
    const res = await t.request('POST', '/api/auth/wechat/login', { rawBody: 'code=abc', headers: { 'content-type': 'text/xml' } });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('should answer 404 JSON for an unknown route, inside and outside /api', async () => {
    for (const path of ['/api/nope', '/nope', '/api/users/me/nope']) {
      const res = await t.request('GET', path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND' });
    }
  });

  it('should send security headers with a strict CSP on API answers', async () => {
    const res = await t.request('GET', '/api/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('should send helmet’s whole header set on every kind of answer: success, 401, 404 and 415', async () => {
    // What helmet sets for this CSP, worked out by helmet itself at boot (src/http/security-headers.ts).
    const expected = {
      'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    const answers = [
      await t.request('GET', '/api/health/live'),
      await t.request('GET', '/api/users/me'),
      await t.request('GET', '/api/nope'),
      await t.request('GET', '/api/goods?page=0', { headers: { authorization: 'Bearer x' } }),
      await t.request('POST', '/api/auth/wechat/login', { rawBody: 'code=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 401, 404, 401, 415]);
    for (const answer of answers) {
      for (const [name, value] of Object.entries(expected)) expect([answer.status, name, answer.headers.get(name)]).toEqual([answer.status, name, value]);
    }
  });

  it('should allow the configured CORS origins and no others', async () => {
    const allowed = await t.request('OPTIONS', '/api/auth/wechat/login', {
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');

    const simple = await t.request('GET', '/api/health', { headers: { origin: 'https://admin.example.com' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(simple.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('x-request-id');

    const other = await t.request('GET', '/api/health', { headers: { origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('should echo the caller’s X-Request-Id', async () => {
    const res = await t.request('GET', '/api/health', { headers: { 'x-request-id': 'lb-7f3a9c21.42' } });
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a9c21.42');
  });

  it('should generate a request id when none or a malformed one is given', async () => {
    const a = await t.request('GET', '/api/health');
    const b = await t.request('GET', '/api/nope', { headers: { 'x-request-id': 'bad id\twith "spaces"' } });
    const c = await t.request('POST', '/api/auth/wechat/login', { rawBody: '{' });
    for (const res of [a, b, c]) expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set([a, b, c].map((r) => r.headers.get('x-request-id'))).size).toBe(3);
  });
});

describe('HTTP edges without CORS_ORIGINS', () => {
  const t = useTestApp();

  it('should send no CORS headers (mini programs do not need them)', async () => {
    const res = await t.request('GET', '/api/health', { headers: { origin: 'https://shop.example.com' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
