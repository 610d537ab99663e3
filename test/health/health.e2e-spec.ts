import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS } from '../../src/database/migrations';
import { migrateUnderLock } from '../../src/database/migrator';
import { Readiness } from '../../src/health/readiness';
import { DatabaseProxy } from '../support/tcp-proxy';
import { useOwnDatabase } from '../support/own-database';
import { startTestAppForTest, useTestApp } from '../support/test-app';

describe('GET /api/health', () => {
  const t = useTestApp();

  it('should answer 200 with the database up, without a token', async () => {
    const res = await t.request('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', info: { database: { status: 'up' }, schema: { status: 'up' } } });
    const ready = await t.request('GET', '/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual(res.body);
    expect(await t.request('GET', '/api/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('should answer ready 503 SHUTTING_DOWN from the moment the instance drains, while live stays 200', async () => {
    t.app.get(Readiness).drain();
    const ready = await t.request('GET', '/api/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.code).toBe('SHUTTING_DOWN');
    expect((await t.request('GET', '/api/health')).body.code).toBe('SHUTTING_DOWN');
    expect((await t.request('GET', '/api/health/live')).status).toBe(200);
    // Other requests are still served while in-flight work finishes.
    expect((await t.request('POST', '/api/auth/wechat/login', { body: { code: t.fake.issueCode('o_drain') } })).status).toBe(200);
  });
});

describe('GET /api/health/ready with MIGRATIONS_RUN=false and a schema behind', () => {
  // A database of this file's own, empty: the instance must not migrate it, and is not ready until `migrate` has run.
  const { url: behindUrl } = useOwnDatabase('schema_behind');

  it('should be live but not ready until the migrations are applied, then ready', async () => {
    const t = await startTestAppForTest({ env: { MIGRATIONS_RUN: 'false' }, configure: (config) => void (config.databaseUrl = behindUrl) });
    expect((await t.request('GET', '/api/health/live')).status).toBe(200);
    const behind = await t.request('GET', '/api/health/ready');
    expect(behind.status).toBe(503);
    expect(behind.body).toMatchObject({ code: 'HEALTH_CHECK_FAILED', message: 'Unhealthy: schema down' });
    expect(await t.dataSource.query(`SELECT to_regclass('public.goods') AS t`)).toEqual([{ t: null }]);
    expect(await migrateUnderLock(t.dataSource.options)).toHaveLength(MIGRATIONS.length);
    expect((await t.request('GET', '/api/health/ready')).status).toBe(200);
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
