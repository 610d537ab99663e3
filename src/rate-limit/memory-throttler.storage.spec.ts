import { afterEach, describe, expect, it } from 'vitest';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

const MINUTE = 60_000;

describe('MemoryThrottlerStorage', () => {
  let now = 1_000_000;
  const clock = { now: () => now };
  let storage: MemoryThrottlerStorage;
  const make = () => (storage = new MemoryThrottlerStorage(clock));
  afterEach(() => storage?.onApplicationShutdown());

  it('should count hits in a window and block the hit past the limit for blockDuration', async () => {
    make();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await storage.increment('1.2.3.4', MINUTE, 3, 2 * MINUTE, 'default'));
    expect(answers.map((a) => [a.totalHits, a.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(answers[0].timeToExpire).toBe(60);
    expect(answers[3].timeToBlockExpire).toBe(120);
    // Blocked: refused, not counted, Retry-After counting down.
    now += 30_000;
    const blocked = await storage.increment('1.2.3.4', MINUTE, 3, 2 * MINUTE, 'default');
    expect(blocked).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 90 });
    // The block ends: a new window starts at the next hit.
    now += 90_000;
    expect(await storage.increment('1.2.3.4', MINUTE, 3, 2 * MINUTE, 'default')).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });

  it('should start a new window when the window ends, whatever it counted', async () => {
    make();
    for (let i = 0; i < 3; i++) await storage.increment('k', MINUTE, 3, MINUTE, 'default');
    now += 59_999;
    expect((await storage.increment('k', MINUTE, 3, MINUTE, 'default')).isBlocked).toBe(true);
    make();
    for (let i = 0; i < 3; i++) await storage.increment('k', MINUTE, 3, MINUTE, 'default');
    // As a Redis key does, the window still counts at its last millisecond.
    now += MINUTE;
    expect(await storage.increment('k', MINUTE, 3, MINUTE, 'default')).toMatchObject({ totalHits: 4, isBlocked: true });
    make();
    for (let i = 0; i < 3; i++) await storage.increment('k', MINUTE, 3, MINUTE, 'default');
    now += MINUTE + 1;
    expect(await storage.increment('k', MINUTE, 3, MINUTE, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('should count each client and each throttler on its own', async () => {
    make();
    for (let i = 0; i < 2; i++) await storage.increment('a', MINUTE, 2, MINUTE, 'default');
    expect((await storage.increment('a', MINUTE, 2, MINUTE, 'default')).isBlocked).toBe(true);
    expect(await storage.increment('b', MINUTE, 2, MINUTE, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await storage.increment('a', MINUTE, 2, MINUTE, 'media-upload')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('should refuse over the limit without a block when blockDuration is 0, until the window ends', async () => {
    make();
    for (let i = 0; i < 2; i++) await storage.increment('k', MINUTE, 2, 0, 'default');
    expect(await storage.increment('k', MINUTE, 2, 0, 'default')).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 60 });
    expect(await storage.increment('k', MINUTE, 2, 0, 'default')).toMatchObject({ totalHits: 4, isBlocked: true });
    now += MINUTE + 1;
    expect(await storage.increment('k', MINUTE, 2, 0, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('should count up to a high limit with one counter per client, and block the hit past it', async () => {
    make();
    const limit = 100_000;
    let last = await storage.increment('busy', MINUTE, limit, MINUTE, 'default');
    for (let i = 2; i <= limit; i++) last = await storage.increment('busy', MINUTE, limit, MINUTE, 'default');
    expect(last).toMatchObject({ totalHits: limit, isBlocked: false });
    expect((await storage.increment('busy', MINUTE, limit, MINUTE, 'default')).isBlocked).toBe(true);
    expect(storage.size).toBe(1);
  });

  it('should forget counters whose window and block have ended', async () => {
    make();
    await storage.increment('gone', MINUTE, 1, MINUTE, 'default');
    await storage.increment('blocked', MINUTE, 1, 5 * MINUTE, 'default');
    await storage.increment('blocked', MINUTE, 1, 5 * MINUTE, 'default');
    now += 2 * MINUTE;
    await storage.increment('fresh', MINUTE, 1, MINUTE, 'default');
    storage.sweep();
    expect(storage.size).toBe(2);
    expect((await storage.increment('blocked', MINUTE, 1, 5 * MINUTE, 'default')).isBlocked).toBe(true);
    now += 4 * MINUTE;
    storage.sweep();
    expect(storage.size).toBe(0);
  });
});
