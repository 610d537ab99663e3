import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { signInAccount } from '../support/factories';
import { FaultyProxy } from '../support/faulty-proxy';
import { HttpResponse, useTestApp } from '../support/test-app';

/** Words of a driver message, an address or a stack: none may reach a client. */
const DRIVER_DETAIL = /ECONN|ETIMEDOUT|terminated|timeout exceeded|connect|127\.0\.0\.1|5432|stack|\bat \S+ \(/i;

function expectUnavailable(res: HttpResponse, what: string) {
  expect(res.status, `${what}: ${res.text}`).toBe(503);
  expect(res.body).toEqual({ statusCode: 503, error: 'Service Unavailable', code: 'DATABASE_UNAVAILABLE', message: expect.any(String) });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers.get('retry-after')}`).toBe(true);
  expect(res.text).not.toMatch(DRIVER_DETAIL);
}

/**
 * The app reaches PostgreSQL through a proxy the test turns into a server that accepts and
 * drops every connection, or one that never answers. (Nest's static Logger writes to the
 * last app made in a process: this file's app is its only one, so the lines are its own.)
 */
describe('requests while PostgreSQL is unreachable', () => {
  const proxy = FaultyProxy.for(inject('databaseUrl'), 5432);
  // Registered before the app: up before it starts, closed after it closes.
  beforeAll(async () => proxy.listen());
  afterAll(async () => proxy.close());
  const lines: string[] = [];
  const t = useTestApp({
    env: { LOG_LEVEL: 'info' },
    logDestination: { write: (line: string) => void lines.push(line) },
    configure: (config) => {
      config.databaseUrl = proxy.urlThrough(config.databaseUrl!);
      config.timeouts.database.outageQuietMs = 300;
    },
  });
  const entries = () => lines.map((l) => JSON.parse(l) as { level: string; msg: string; context?: string; err?: unknown });

  it('should answer 503 DATABASE_UNAVAILABLE with Retry-After on every kind of request, log the outage once with a count, and recover by itself', async () => {
    const staff = await signInAccount(t, 'staff');
    const user = await t.login('o_outage');
    const before = lines.length;

    proxy.setMode('drop');
    const requests: [string, () => Promise<HttpResponse>][] = [
      ['WeChat login', () => t.request('POST', '/api/auth/wechat/login', { body: { code: t.fake.issueCode('o_outage_2') } })],
      ['password login', () => t.request('POST', '/api/auth/token', { body: { username: staff.username, password: staff.password } })],
      ['refresh', () => t.request('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } })],
      ['goods list', () => t.request('GET', '/api/goods', { token: staff.token })],
      ['goods create', () => t.request('POST', '/api/goods', { token: staff.token, body: { name: '苹果', price: 1 } })],
      ['profile update', () => t.request('PATCH', '/api/users/me', { token: user.accessToken, body: { nickname: '小明' } })],
    ];
    let answered = 0;
    try {
      for (let round = 0; round < 3; round++) {
        for (const [what, send] of requests) {
          expectUnavailable(await send(), what);
          answered++;
        }
      }
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => requests[3][1]()));
      for (const res of concurrent) expectUnavailable(res, 'concurrent goods list');
      answered += concurrent.length;
    } finally {
      proxy.setMode('forward');
    }
    // The burst ends once no request met the outage for outageQuietMs: one line with the count.
    await vi.waitFor(() => expect(entries().slice(before).some((e) => /outage over/.test(e.msg))).toBe(true), { timeout: 10_000 });
    const during = entries().slice(before);
    const about = during.filter((e) => e.context === 'DatabaseOutage');
    expect(about.map((e) => e.level)).toEqual(['warn', 'info']);
    expect(about[0].msg).toMatch(/PostgreSQL unreachable \(.+\): answering 503 DATABASE_UNAVAILABLE/);
    expect(about[1].msg).toContain(`${answered} requests answered 503 DATABASE_UNAVAILABLE`);
    // No stack, no "Unhandled" line per request: the request summary lines are the only others.
    expect(during.filter((e) => e.context === 'ExceptionFilter')).toEqual([]);
    expect(JSON.stringify(during)).not.toMatch(/"stack"|Unhandled/);

    // Recovery needs no restart.
    expect((await t.request('GET', '/api/goods', { token: staff.token })).status).toBe(200);
    expect((await t.request('POST', '/api/auth/wechat/login', { body: { code: t.fake.issueCode('o_outage_3') } })).status).toBe(200);
  });

  it('should answer 503, not hang, when PostgreSQL accepts connections but never answers (the connect timeout)', async () => {
    const staff = await signInAccount(t, 'staff');
    proxy.setMode('stall');
    try {
      const answers = await Promise.all(Array.from({ length: 4 }, () => t.request('GET', '/api/goods', { token: staff.token })));
      for (const res of answers) expectUnavailable(res, 'goods list');
      expect(proxy.accepted.stall).toBeGreaterThan(0);
    } finally {
      proxy.setMode('forward');
    }
    await vi.waitFor(async () => expect((await t.request('GET', '/api/goods', { token: staff.token })).status).toBe(200), { timeout: 10_000 });
  });
});
