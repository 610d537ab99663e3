import { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import type { Clock } from '../common/clock';
import { RedisConnections } from '../redis/redis-connections';
import { MemoryThrottlerStorage, ThrottlerStorageRecord } from './memory-throttler.storage';

/**
 * One atomic step of a fixed-window counter with a block, in Redis (so every instance
 * shares it). KEYS[1] counts hits and expires with the window; KEYS[2] exists while the
 * client is blocked (with a block duration of 0, hits past the limit are refused until the
 * window ends). Returns {hits, ms until the window ends, blocked 0/1, ms until the block ends}.
 * MemoryThrottlerStorage runs the same rule.
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
  if tonumber(ARGV[3]) <= 0 then return {hits, ttl, 1, ttl} end
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}
`;

type WithIncrement = Redis & {
  throttlerIncrement(hitKey: string, blockKey: string, ttl: number, limit: number, block: number): Promise<number[]>;
};

/** `closed`: counts go to Redis. `open`: Redis failed or is not ready, counts go to this instance's memory. */
export type BreakerState = 'closed' | 'open';

/**
 * @nestjs/throttler's storage in Redis, so the login rate limits hold across instances.
 * (The published Redis storages declare peer ranges that exclude NestJS 12; the
 * interface is one method and the rule one Lua script, so it lives here.)
 *
 * An outage of Redis costs logins no time: the connection is RedisConnections', behind its
 * circuit breaker (src/redis/redis-connections.ts). While the breaker is open every hit is
 * counted in this instance's memory at once, without a call to Redis; only the command that
 * meets the failure waits, at most the command timeout. When Redis answers its ready check
 * again, counts are shared again.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly fallback: MemoryThrottlerStorage;

  constructor(
    private readonly redis: RedisConnections,
    clock: Clock,
  ) {
    this.fallback = new MemoryThrottlerStorage(clock);
    redis.defineCommand('throttlerIncrement', { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
  }

  /** The breaker's state, for the tests and the docs' promise: `open` means counting in memory. */
  get state(): BreakerState {
    return this.redis.available ? 'closed' : 'open';
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    let reply: number[];
    try {
      reply = await this.redis.run((redis) =>
        (redis as WithIncrement).throttlerIncrement(`throttle:${throttlerName}:${key}:hits`, `throttle:${throttlerName}:${key}:blocked`, ttl, limit, blockDuration),
      );
    } catch {
      // Redis is unavailable (RedisConnections' breaker), or answered an error of its own: a
      // login is never refused for that, it is counted here.
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
    const [hits, ttlMs, blocked, blockMs] = reply;
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.max(0, Math.ceil(blockMs / 1000)),
    };
  }

  onApplicationShutdown(): void {
    this.fallback.onApplicationShutdown();
  }
}
