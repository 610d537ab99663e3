import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { RATE_LIMIT_STORAGE } from '../../src/rate-limit/rate-limit.module';
import type { RedisThrottlerStorage } from '../../src/rate-limit/redis-throttler.storage';
import { FaultyProxy } from '../support/faulty-proxy';
import { TEST_REDIS_URL as REDIS_URL, useRedisKeyPrefix } from '../support/redis';
import { startTestAppForTest, TestApp } from '../support/test-app';

/** How many rate limit commands (the throttler's Lua script) reached a proxy that never answered. */
const scriptCalls = (proxy: FaultyProxy) => (proxy.stalledData.match(/evalsha|\beval\b/gi) ?? []).length;

function login(t: TestApp, openid: string) {
  return t.request('POST', '/api/auth/wechat/login', { body: { code: t.fake.issueCode(openid) } });
}

describe('login rate limits while Redis does not answer', () => {
  const { prefix, redis } = useRedisKeyPrefix();

  async function proxiedRedis(mode: 'forward' | 'stall'): Promise<FaultyProxy> {
    const proxy = FaultyProxy.for(REDIS_URL, 6379);
    await proxy.listen();
    proxy.setMode(mode);
    onTestFinished(() => proxy.close());
    return proxy;
  }

  const storageOf = (t: TestApp) => t.app.get<RedisThrottlerStorage>(RATE_LIMIT_STORAGE, { strict: false });

  it('should count in memory at once, without waiting on a Redis that accepts connections and never answers', async () => {
    const stalled = await proxiedRedis('stall');
    const t = await startTestAppForTest({
      env: { AUTH_RATE_LIMIT: '3', REDIS_URL: stalled.urlThrough(REDIS_URL), REDIS_KEY_PREFIX: prefix },
      // A command timeout far beyond the test's own: a login that waited on Redis would never finish in time.
      configure: (config) => {
        config.timeouts.redis.commandMs = 600_000;
      },
    });
    await t.reset();
    await vi.waitFor(() => expect(stalled.accepted.stall).toBeGreaterThan(0));

    for (let i = 0; i < 3; i++) expect((await login(t, `o_stall_${i}`)).status).toBe(200);
    const throttled = await login(t, 'o_stall_x');
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });

    expect(storageOf(t).state).toBe('open');
    // Nothing was asked of the stalled Redis but its connection handshake, and nothing ever answered.
    expect(scriptCalls(stalled)).toBe(0);
  });

  it('should stop asking Redis after one command failed, and share the counts again once Redis answers', async () => {
    const proxy = await proxiedRedis('forward');
    const ownPrefix = `${prefix}breaker:`;
    const t = await startTestAppForTest({
      env: { REDIS_URL: proxy.urlThrough(REDIS_URL), REDIS_KEY_PREFIX: ownPrefix },
      configure: (config) => {
        config.timeouts.redis.commandMs = 300;
      },
    });
    await t.reset();
    const sharedHits = async () => {
      const keys = await redis.keys(`${ownPrefix}*:hits`);
      return Promise.all(keys.map((k) => redis.get(k)));
    };
    await vi.waitFor(() => expect(storageOf(t).state).toBe('closed'));
    expect((await login(t, 'o_breaker_1')).status).toBe(200);
    expect(await sharedHits()).toEqual(['1']);

    // Redis hangs: its connection stays open, nothing comes back.
    proxy.setMode('stall', { keepConnections: true });
    for (let i = 0; i < 10; i++) expect((await login(t, `o_breaker_hang_${i}`)).status).toBe(200);
    expect(storageOf(t).state).toBe('open');
    // Only the first login after the hang asked Redis (and waited for its timeout); the others went to memory at once.
    expect(scriptCalls(proxy)).toBe(1);

    // Redis is back (its connections were reset): the breaker closes by itself, counts are shared again.
    proxy.setMode('forward');
    await vi.waitFor(() => expect(storageOf(t).state).toBe('closed'), { timeout: 10_000 });
    expect((await login(t, 'o_breaker_2')).status).toBe(200);
    expect(await sharedHits()).toEqual(['2']);
  });
});
