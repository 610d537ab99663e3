import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll } from 'vitest';

/** The Redis the tests share (the machine's, as in CI). */
export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * A key prefix of this test file's own in the test Redis (pass it as REDIS_KEY_PREFIX), whose
 * keys are deleted after the file's tests; `redis` lets a test look at them.
 */
export function useRedisKeyPrefix(): { prefix: string; redis: Redis } {
  const prefix = `wxmall-test:${randomUUID()}:`;
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });
  return { prefix, redis };
}
