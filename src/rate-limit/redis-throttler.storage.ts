import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One atomic step of a fixed-window counter with a block, in Redis (so every instance
 * shares it). KEYS[1] counts hits and expires with the window; KEYS[2] exists while the
 * client is blocked. Returns {hits, ms until the window ends, blocked 0/1, ms until the block ends}.
 */
const INCREMENT_SCRIPT = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or ARGV[2]) + 1
  return {hits, blockTtl, 1, blockTtl}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}
`;

export interface RedisThrottlerStorageOptions {
  url: string;
  /** Prefixed to every key, so several apps or test runs can share one Redis. */
  keyPrefix: string;
  /** A Redis command slower than this fails (and opens the breaker). */
  commandTimeoutMs: number;
}

/** `closed`: counts go to Redis. `open`: Redis failed or is not ready, counts go to this instance's memory. */
export type BreakerState = 'closed' | 'open';

/**
 * @nestjs/throttler's storage in Redis, so the login rate limits hold across instances.
 * (The published Redis storages declare peer ranges that exclude NestJS 12; the
 * interface is one method and the rule one Lua script, so it lives here.)
 *
 * A circuit breaker keeps an outage of Redis from costing logins any time. The breaker is
 * closed only while the connection is ready and no command has failed on it since. Once
 * open, every hit is counted in this instance's memory at once, without a call to Redis,
 * and the connection is dropped and made again in the background (ioredis's reconnection
 * with its ready check is the probe); when Redis answers the ready check, the breaker
 * closes and counts are shared again. Only the command that meets the failure waits, at
 * most commandTimeoutMs.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly fallback = new ThrottlerStorageService();
  private closed = false;
  /** Whether the log says we are counting in memory (so each change is logged once). */
  private degradedLogged = false;
  private shuttingDown = false;

  constructor(private readonly options: RedisThrottlerStorageOptions) {
    this.redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      commandTimeout: options.commandTimeoutMs,
      // A command never waits for a reconnection: with the breaker it is not sent unless ready.
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      lazyConnect: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // Failures are reported by the breaker below; without a listener ioredis would print
    // each reconnection attempt.
    this.redis.on('error', () => undefined);
    this.redis.on('ready', () => this.close());
    this.redis.on('close', () => this.open('connection closed'));
    this.redis.defineCommand('throttlerIncrement', { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
  }

  /**
   * Gives Redis a moment at start (at most 2 s) to become ready, so the first logins after a
   * start are counted in Redis when it is healthy. A Redis that is not ready by then does not
   * hold the start: the breaker opens and closes when it is.
   */
  async onModuleInit(): Promise<void> {
    if (this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.min(2000, this.options.commandTimeoutMs));
      this.redis.once('ready', () => resolve());
    });
    clearTimeout(timer);
  }

  /** The breaker's state, for the tests and the docs' promise: `open` means counting in memory. */
  get state(): BreakerState {
    return this.closed ? 'closed' : 'open';
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (!this.closed) {
      if (!this.degradedLogged) this.logDegraded(`not ready (${this.redis.status})`);
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
    try {
      const [hits, ttlMs, blocked, blockMs] = await (this.redis as Redis & {
        throttlerIncrement(hitKey: string, blockKey: string, ttl: number, limit: number, block: number): Promise<number[]>;
      }).throttlerIncrement(`throttle:${throttlerName}:${key}:hits`, `throttle:${throttlerName}:${key}:blocked`, ttl, limit, blockDuration);
      return {
        totalHits: hits,
        timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.max(0, Math.ceil(blockMs / 1000)),
      };
    } catch (err) {
      this.open((err as Error).message);
      // The connection may be stuck (a command that timed out still waits for its reply):
      // start over with a new one, whose ready check tells when Redis answers again.
      this.redis.disconnect(true);
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  private open(reason: string): void {
    if (!this.closed) return;
    this.closed = false;
    if (!this.shuttingDown) this.logDegraded(`failed (${reason})`);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.degradedLogged) this.logger.log('Redis answers again: rate limits are shared across instances');
    this.degradedLogged = false;
  }

  private logDegraded(what: string): void {
    this.degradedLogged = true;
    this.logger.warn(`Redis rate limit storage ${what}: counting in this instance's memory until it answers`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.fallback.onApplicationShutdown();
    // QUIT waits for Redis's answer: only ask a Redis that answers, and not for long.
    if (this.closed) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(1000, this.options.commandTimeoutMs))));
      await Promise.race([this.redis.quit().catch(() => undefined), late]);
      clearTimeout(timer);
    }
    this.redis.disconnect();
  }
}
