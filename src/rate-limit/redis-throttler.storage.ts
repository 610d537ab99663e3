import { Logger, OnApplicationShutdown } from '@nestjs/common';
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
  /** A Redis command slower than this fails, and the request is counted in memory instead. */
  commandTimeoutMs?: number;
}

/**
 * @nestjs/throttler's storage in Redis, so the login rate limits hold across instances.
 * (The published Redis storages declare peer ranges that exclude NestJS 12; the
 * interface is one method and the rule one Lua script, so it lives here.)
 *
 * When Redis is unreachable the hit is counted in this instance's memory instead and a
 * warning is logged: logins keep working with per-instance limits rather than failing.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly fallback = new ThrottlerStorageService();
  private degraded = false;

  constructor(options: RedisThrottlerStorageOptions) {
    this.redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      commandTimeout: options.commandTimeoutMs ?? 500,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      lazyConnect: false,
    });
    // Connection errors are reported through failed commands below; without a listener
    // ioredis would print each reconnection attempt.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('throttlerIncrement', { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, ttlMs, blocked, blockMs] = (await (this.redis as Redis & {
        throttlerIncrement(hitKey: string, blockKey: string, ttl: number, limit: number, block: number): Promise<number[]>;
      }).throttlerIncrement(`throttle:${throttlerName}:${key}:hits`, `throttle:${throttlerName}:${key}:blocked`, ttl, limit, blockDuration));
      if (this.degraded) {
        this.degraded = false;
        this.logger.log('Redis answers again: rate limits are shared across instances');
      }
      return {
        totalHits: hits,
        timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.max(0, Math.ceil(blockMs / 1000)),
      };
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true;
        this.logger.warn(`Redis rate limit storage failed (${(err as Error).message}): counting in this instance's memory until it answers`);
      }
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.fallback.onApplicationShutdown();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
