import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { SecretBox } from '../common/crypto/secret-box';
import { loadConfig } from '../config/load-config';
import { RedisConnections, RedisUnavailableError } from '../redis/redis-connections';
import { CODE_RESULT_TTL_MS, SharedCodeExchange, TRANSIENT_RESULT_TTL_MS } from './shared-code-exchange';
import { WechatCodeInvalidError, WechatUnavailableError } from './wechat.errors';
import type { WechatSession } from './wechat.service';

const config = loadConfig({ REDIS_URL: 'redis://unused', REDIS_KEY_PREFIX: 'unit:', WECHAT_TIMEOUT_MS: '300' });
const key = randomBytes(32);

/** The few Redis commands the exchange uses, on one shared map (what every instance sees). */
class FakeRedis {
  readonly values = new Map<string, { value: string; ttlMs: number }>();
  /** Set to make every command fail as a dead connection would (RedisConnections then throws RedisUnavailableError). */
  down = false;
  async get(k: string) {
    return this.values.get(k)?.value ?? null;
  }
  async set(k: string, value: string, _px: 'PX', ttlMs: number, nx?: 'NX') {
    if (nx && this.values.has(k)) return null;
    this.values.set(k, { value, ttlMs });
    return 'OK';
  }
  async del(k: string) {
    return this.values.delete(k) ? 1 : 0;
  }
}

/** An instance: its own RedisConnections (a stub around the shared FakeRedis) and its own exchange. */
function instance(redis: FakeRedis, box = new SecretBox(key)) {
  const connections = {
    instanceId: `instance-${randomBytes(4).toString('hex')}`,
    get available() {
      return !redis.down;
    },
    run: vi.fn(async <T>(work: (r: FakeRedis) => Promise<T>) => {
      if (redis.down) throw new RedisUnavailableError('connection closed');
      return work(redis);
    }),
  };
  return new SharedCodeExchange(connections as unknown as RedisConnections, box, config);
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const session: WechatSession = { openid: 'o_shared', sessionKey: 'c2Vzc2lvbi1rZXktc2VjcmV0', unionid: null };
const code = 'c0de-from-wx-login';
const hashOf = (c: string) => createHash('sha256').update(`unit:${c}`).digest('hex');

describe(SharedCodeExchange.name, () => {
  it('should ask WeChat once for two instances trading the same code at once, and give both the answer', async () => {
    const redis = new FakeRedis();
    const [a, b] = [instance(redis), instance(redis)];
    const wechat = deferred<WechatSession>();
    const exchangeA = vi.fn(() => wechat.promise);
    const exchangeB = vi.fn(() => wechat.promise);
    const first = a.run(code, exchangeA);
    const second = b.run(code, exchangeB);
    await vi.waitFor(() => expect(exchangeA).toHaveBeenCalled());
    wechat.resolve(session);
    await expect(first).resolves.toEqual(session);
    await expect(second).resolves.toEqual(session);
    expect(exchangeB).not.toHaveBeenCalled();
  });

  it('should keep the answer sealed under a hash of the code, for the code’s life, with neither the code nor the session_key readable', async () => {
    const redis = new FakeRedis();
    await instance(redis).run(code, async () => session);
    const stored = redis.values.get(`login-code:${hashOf(code)}:result`);
    expect(stored?.ttlMs).toBe(CODE_RESULT_TTL_MS);
    const everything = JSON.stringify([...redis.values]);
    expect(everything).not.toContain(code);
    expect(everything).not.toContain(session.sessionKey);
    expect(everything).not.toContain(Buffer.from(session.sessionKey, 'base64').toString('hex'));
    expect(JSON.parse(new SecretBox(key).open(stored!.value, hashOf(code))!)).toEqual({ session });
    // Bound to its key: moved under another code's hash, it does not open.
    expect(new SecretBox(key).open(stored!.value, hashOf('another-code'))).toBeNull();
  });

  it('should answer a later request with the same code as the first one was answered, without WeChat', async () => {
    const redis = new FakeRedis();
    await instance(redis).run(code, async () => session);
    const exchange = vi.fn(async () => session);
    await expect(instance(redis).run(code, exchange)).resolves.toEqual(session);
    expect(exchange).not.toHaveBeenCalled();
  });

  it('should share WeChat refusing the code, for the code’s life', async () => {
    const redis = new FakeRedis();
    const [a, b] = [instance(redis), instance(redis)];
    const wechat = deferred<WechatSession>();
    const first = a.run(code, () => wechat.promise);
    const exchangeB = vi.fn(async () => session);
    const second = b.run(code, exchangeB);
    wechat.reject(new WechatCodeInvalidError());
    await expect(first).rejects.toMatchObject({ code: 'WECHAT_CODE_INVALID', status: 401 });
    await expect(second).rejects.toMatchObject({ code: 'WECHAT_CODE_INVALID', status: 401 });
    expect(exchangeB).not.toHaveBeenCalled();
    expect(redis.values.get(`login-code:${hashOf(code)}:result`)?.ttlMs).toBe(CODE_RESULT_TTL_MS);
  });

  it('should share an outage of WeChat with those waiting now only', async () => {
    const redis = new FakeRedis();
    const [a, b] = [instance(redis), instance(redis)];
    const wechat = deferred<WechatSession>();
    const first = a.run(code, () => wechat.promise);
    const second = b.run(code, vi.fn(async () => session));
    wechat.reject(new WechatUnavailableError());
    await expect(first).rejects.toMatchObject({ code: 'WECHAT_UNAVAILABLE', status: 503 });
    await expect(second).rejects.toMatchObject({ code: 'WECHAT_UNAVAILABLE', status: 503 });
    expect(redis.values.get(`login-code:${hashOf(code)}:result`)?.ttlMs).toBe(TRANSIENT_RESULT_TTL_MS);
  });

  it('should let a waiter ask WeChat itself when the first one failed with no answer about the code', async () => {
    const redis = new FakeRedis();
    const [a, b] = [instance(redis), instance(redis)];
    const wechat = deferred<WechatSession>();
    const first = a.run(code, () => wechat.promise);
    const exchangeB = vi.fn(async () => session);
    const second = b.run(code, exchangeB);
    await vi.waitFor(() => expect(redis.values.has(`login-code:${hashOf(code)}:lock`)).toBe(true));
    wechat.reject(new TypeError('a bug'));
    await expect(first).rejects.toBeInstanceOf(TypeError);
    await expect(second).resolves.toEqual(session);
    expect(exchangeB).toHaveBeenCalledTimes(1);
  });

  it('should ask WeChat itself at once when Redis fails while it waits', async () => {
    const redis = new FakeRedis();
    const [a, b] = [instance(redis), instance(redis)];
    const wechat = deferred<WechatSession>();
    void a.run(code, () => wechat.promise).catch(() => undefined);
    await vi.waitFor(() => expect(redis.values.has(`login-code:${hashOf(code)}:lock`)).toBe(true));
    const exchangeB = vi.fn(async () => session);
    const second = b.run(code, exchangeB);
    // It is waiting: it found the lock taken at least once.
    await vi.waitFor(() => expect((b['redis'].run as ReturnType<typeof vi.fn>).mock.calls.length).toBeGreaterThanOrEqual(2));
    redis.down = true;
    const downAt = performance.now();
    await expect(second).resolves.toEqual(session);
    // At its next look (every 25 ms), not at the end of its bound.
    expect(performance.now() - downAt).toBeLessThan(200);
    expect(exchangeB).toHaveBeenCalledTimes(1);
    wechat.resolve(session);
  });

  it('should not touch Redis while it is unavailable', async () => {
    const redis = new FakeRedis();
    redis.down = true;
    const exchange = vi.fn(async () => session);
    await expect(instance(redis).run(code, exchange)).resolves.toEqual(session);
    expect(exchange).toHaveBeenCalledTimes(1);
    expect(redis.values.size).toBe(0);
  });

  it('should keep the first answer when Redis fails while it is being stored', async () => {
    const redis = new FakeRedis();
    const sut = instance(redis);
    await expect(
      sut.run(code, async () => {
        redis.down = true;
        return session;
      }),
    ).resolves.toEqual(session);
  });

  it('should ask WeChat itself when the stored answer does not open with its keys', async () => {
    const redis = new FakeRedis();
    await instance(redis, new SecretBox(randomBytes(32))).run(code, async () => session);
    const exchange = vi.fn(async () => ({ ...session, openid: 'o_asked_again' }));
    await expect(instance(redis).run(code, exchange)).resolves.toMatchObject({ openid: 'o_asked_again' });
  });
});
