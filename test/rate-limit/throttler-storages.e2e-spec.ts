import { randomUUID } from 'node:crypto';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { describe, expect, it, vi } from 'vitest';
import { MemoryThrottlerStorage } from '../../src/rate-limit/memory-throttler.storage';
import { RATE_LIMIT_STORAGE } from '../../src/rate-limit/rate-limit.module';
import { RedisThrottlerStorage } from '../../src/rate-limit/redis-throttler.storage';
import { TEST_REDIS_URL, useRedisKeyPrefix } from '../support/redis';
import { startTestAppForTest } from '../support/test-app';

describe('rate limit storages', () => {
  const { prefix, redis } = useRedisKeyPrefix();

  const storageOf = async (env: Record<string, string>) => {
    const t = await startTestAppForTest({ env });
    return t.app.get<ThrottlerStorage>(RATE_LIMIT_STORAGE, { strict: false });
  };

  it('should count alike in memory (one instance) and in Redis (many): the same fixed window and block', async () => {
    const memory = await storageOf({});
    const shared = await storageOf({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix });
    expect(memory).toBeInstanceOf(MemoryThrottlerStorage);
    expect(shared).toBeInstanceOf(RedisThrottlerStorage);
    // Counting in Redis, not in its fallback: the connection is ready and its breaker closed.
    const redisStorage = shared as RedisThrottlerStorage;
    await vi.waitFor(() => expect(redisStorage.state).toBe('closed'), { timeout: 5000, interval: 20 });

    const run = async (storage: ThrottlerStorage, key: string) => {
      const answers = [];
      // limit 3, a 60 s window, a 120 s block; then a second client, another throttler, and a throttler without a block.
      for (let i = 0; i < 6; i++) answers.push(await storage.increment(key, 60_000, 3, 120_000, 'default'));
      answers.push(await storage.increment(`${key}-other`, 60_000, 3, 120_000, 'default'));
      answers.push(await storage.increment(key, 60_000, 3, 120_000, 'media-upload'));
      for (let i = 0; i < 3; i++) answers.push(await storage.increment(key, 60_000, 2, 0, 'unblocked'));
      return answers.map((a) => ({ ...a, timeToExpire: Math.round(a.timeToExpire / 10), timeToBlockExpire: Math.round(a.timeToBlockExpire / 10) }));
    };
    const key = randomUUID();
    const inMemory = await run(memory, key);
    expect(inMemory.map((a) => [a.totalHits, a.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
      [4, true],
      [4, true],
      [1, false],
      [1, false],
      [1, false],
      [2, false],
      [3, true],
    ]);
    // Rounded to 10 s: the two runs are moments apart on the real clock.
    expect(await run(shared, key)).toEqual(inMemory);
    expect(redisStorage.state).toBe('closed');
    // The block is Redis's: its key lives for the block's 120 s.
    const [blockKey] = await redis.keys(`${prefix}*${key}:blocked`);
    expect(blockKey).toBeDefined();
    expect(await redis.pttl(blockKey)).toBeGreaterThan(100_000);
  });
});
