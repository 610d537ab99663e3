import { describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, useRedisKeyPrefix } from '../support/redis';
import { startTestAppForTest, TestApp } from '../support/test-app';

const LIMIT = 3;

function login(t: TestApp, openid: string, headers: Record<string, string> = {}) {
  return t.request('POST', '/api/auth/wechat/login', { body: { code: t.fake.issueCode(openid) }, headers });
}

function expectThrottled(res: { status: number; body: any; headers: Headers }) {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED' });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('login rate limits', () => {
  // A fresh app (fresh counters) for each test, closed when the test finishes.
  const start = async (env: Record<string, string> = {}, fake?: TestApp['fake']) => {
    const t = await startTestAppForTest({ env: { AUTH_RATE_LIMIT: String(LIMIT), ...env }, fake });
    await t.reset();
    return t;
  };

  it('should answer 429 with Retry-After past AUTH_RATE_LIMIT a minute, before WeChat is called', async () => {
    const t = await start();
    for (let i = 0; i < LIMIT; i++) expect((await login(t, `o_rl_${i}`)).status).toBe(200);
    const throttled = await login(t, 'o_rl_x');
    expectThrottled(throttled);
    expect(t.fake.calls.jscode2session).toBe(LIMIT);
    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM users');
    expect(count).toBe(LIMIT);
  });

  it('should count concurrent attempts exactly', async () => {
    const t = await start();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => login(t, `o_rc_${i}`)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(LIMIT);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(10 - LIMIT);
  });

  it('should limit the password login separately, and leave other routes alone', async () => {
    const t = await start();
    for (let i = 0; i < LIMIT; i++) expect((await login(t, `o_sep_${i}`)).status).toBe(200);
    expectThrottled(await login(t, 'o_sep_x'));

    const attempt = () => t.request('POST', '/api/auth/token', { body: { username: 'nobody', password: 'wrong-password' } });
    for (let i = 0; i < LIMIT; i++) expect((await attempt()).status).toBe(401);
    expectThrottled(await attempt());

    for (let i = 0; i < LIMIT * 3; i++) {
      expect((await t.request('POST', '/api/auth/verify', { body: { token: 'x' } })).status).toBe(401);
      expect((await t.request('GET', '/api/health')).status).toBe(200);
    }
  });

  it('should ignore X-Forwarded-For unless TRUST_PROXY is on', async () => {
    const t = await start();
    for (let i = 0; i < LIMIT; i++) expect((await login(t, `o_xff_${i}`, { 'x-forwarded-for': `198.51.100.${i}` })).status).toBe(200);
    expectThrottled(await login(t, 'o_xff_x', { 'x-forwarded-for': '198.51.100.99' }));
  });

  it('should limit per client address from X-Forwarded-For when TRUST_PROXY is on', async () => {
    const t = await start({ TRUST_PROXY: 'true' });
    // The load balancer appends the address it saw; what the client sent itself stays on the left.
    const from = (ip: string, forged = `10.9.8.${Math.floor(Math.random() * 250)}`) => ({ 'x-forwarded-for': `${forged}, ${ip}` });
    for (let i = 0; i < LIMIT; i++) expect((await login(t, `o_tp_${i}`, from('203.0.113.7'))).status).toBe(200);
    // A forged left-hand entry does not make a new client.
    expectThrottled(await login(t, 'o_tp_x', from('203.0.113.7', '192.0.2.1')));
    expect((await login(t, 'o_tp_y', from('203.0.113.8'))).status).toBe(200);
  });

  it('should believe X-Forwarded-For only from the proxy addresses TRUST_PROXY lists', async () => {
    const trusted = await start({ TRUST_PROXY: '127.0.0.0/8' });
    const from = (client: string) => ({ 'x-forwarded-for': `10.1.1.${Math.floor(Math.random() * 250)}, ${client}` });
    for (let i = 0; i < LIMIT; i++) expect((await login(trusted, `o_ta_${i}`, from('203.0.113.30'))).status).toBe(200);
    expectThrottled(await login(trusted, 'o_ta_x', from('203.0.113.30')));
    expect((await login(trusted, 'o_ta_y', from('203.0.113.31'))).status).toBe(200);

    // The test client (127.0.0.1) is not one of these proxies: its header is ignored.
    const untrusted = await start({ TRUST_PROXY: '10.0.0.0/8' });
    for (let i = 0; i < LIMIT; i++) expect((await login(untrusted, `o_tu_${i}`, from(`203.0.113.${40 + i}`))).status).toBe(200);
    expectThrottled(await login(untrusted, 'o_tu_x', from('203.0.113.99')));
  });

  it('should believe as many X-Forwarded-For entries as TRUST_PROXY names proxies', async () => {
    // A CDN in front of the load balancer: two proxies, the client is the second entry from the right.
    const t = await start({ TRUST_PROXY: '2' });
    const via = (client: string) => ({ 'x-forwarded-for': `6.6.6.${Math.floor(Math.random() * 250)}, ${client}, 198.18.0.${Math.floor(Math.random() * 250)}` });
    for (let i = 0; i < LIMIT; i++) expect((await login(t, `o_h2_${i}`, via('203.0.113.20'))).status).toBe(200);
    expectThrottled(await login(t, 'o_h2_x', via('203.0.113.20')));
    expect((await login(t, 'o_h2_y', via('203.0.113.21'))).status).toBe(200);
  });

  describe('with REDIS_URL', () => {
    const { prefix, redis } = useRedisKeyPrefix();

    it('should share the counters between instances', async () => {
      const a = await start({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix });
      const b = await start({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }, a.fake);
      expect((await login(a, 'o_r1')).status).toBe(200);
      expect((await login(b, 'o_r2')).status).toBe(200);
      expect((await login(a, 'o_r3')).status).toBe(200);
      expectThrottled(await login(b, 'o_r4'));
      expectThrottled(await login(a, 'o_r5'));
      expect(a.fake.calls.jscode2session).toBe(LIMIT);
      // The counters are in Redis under the configured prefix.
      expect((await redis.keys(`${prefix}*`)).length).toBeGreaterThan(0);
    });

    it('should count concurrent attempts on several instances exactly', async () => {
      const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `${prefix}concurrent:` };
      const a = await start(env);
      const b = await start(env, a.fake);
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(i % 2 ? a : b, `o_rcc_${i}`)));
      expect(answers.filter((r) => r.status === 200)).toHaveLength(LIMIT);
      expect(answers.filter((r) => r.status === 429)).toHaveLength(12 - LIMIT);
    });

    it('should keep limiting in memory when Redis is unreachable', async () => {
      const t = await start({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: prefix });
      for (let i = 0; i < LIMIT; i++) expect((await login(t, `o_rd_${i}`)).status).toBe(200);
      expectThrottled(await login(t, 'o_rd_x'));
    });
  });
});
