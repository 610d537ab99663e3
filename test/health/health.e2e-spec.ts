import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DatabaseProxy } from '../support/tcp-proxy';
import { useTestApp } from '../support/test-app';

describe('GET /api/health', () => {
  const t = useTestApp();

  it('should answer 200 with the database up, without a token', async () => {
    const res = await t.request('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', info: { database: { status: 'up' } } });
  });
});

describe('GET /api/health with the database down', () => {
  // A second app reaches the test database through a TCP proxy the test can cut, so it
  // starts normally (and runs its migrations) and then sees its database refuse connections.
  const proxy = new DatabaseProxy(inject('databaseUrl'));
  // Registered before the app: up before it starts, down after it closes (after-hooks run in reverse).
  beforeAll(async () => proxy.up());
  afterAll(async () => proxy.down());
  const t = useTestApp({
    configure: (config) => {
      config.databaseUrl = proxy.url;
    },
  });

  it('should answer 503 while the database refuses connections, and 200 again when it is back', async () => {
    expect((await t.request('GET', '/api/health')).status).toBe(200);

    await proxy.down();
    const down = await t.request('GET', '/api/health');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'Unhealthy: database down', code: 'HEALTH_CHECK_FAILED' });
    // No driver detail (addresses, error codes) beyond "down" reaches the client.
    expect(down.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/i);

    // Other routes that need the database answer a clean 500/503, never a driver message.
    const login = await t.request('POST', '/api/auth/wechat/login', { body: { code: t.fake.issueCode('o_down') } });
    expect(login.status).toBeGreaterThanOrEqual(500);
    expect(login.body).toMatchObject({ statusCode: login.status, code: expect.any(String) });
    expect(login.text).not.toMatch(/ECONNREFUSED|connect|127\.0\.0\.1|stack|\bat \S+ \(/i);

    await proxy.up();
    expect((await t.request('GET', '/api/health')).status).toBe(200);
  });
});
