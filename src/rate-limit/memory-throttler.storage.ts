import { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Clock } from '../common/clock';

export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** One client's count in its current window, or its block. */
interface Counter {
  hits: number;
  windowEndsAt: number;
  blockedUntil: number;
}

/** Whole seconds, rounded up, never negative: what Retry-After and the rate limit headers show. */
const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/**
 * The rate limit counters in this process's memory: a fixed window per client with a block,
 * the same rule RedisThrottlerStorage runs in Redis (its INCREMENT_SCRIPT), so one instance
 * and many count alike.
 * - A window starts at a client's first hit and lasts `ttl`; each hit in it counts one.
 * - The hit past `limit` blocks the client for `blockDuration` and ends the window; every
 *   hit while blocked is refused (and not counted), and the first after it starts a new window.
 * - With a `blockDuration` of 0 or less, hits past `limit` are refused until the window ends.
 *
 * One step per hit whatever the limit. (@nestjs/throttler's own in-memory storage keeps every
 * hit's expiry and filters the whole list on each hit: with a high AUTH_RATE_LIMIT, tens of
 * thousands of entries per login; docs/performance.md.) Expired counters are swept once a
 * minute, so memory holds only the clients of the last window.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly counters = new Map<string, Counter>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly clock: Clock,
    sweepEveryMs = 60_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs).unref();
  }

  /** Counters held now (the tests' view of the sweep). */
  get size(): number {
    return this.counters.size;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    return this.hit(`${throttlerName}:${key}`, ttl, limit, blockDuration);
  }

  private hit(id: string, ttl: number, limit: number, blockDuration: number): ThrottlerStorageRecord {
    const now = this.clock.now();
    let counter = this.counters.get(id);
    if (counter && counter.blockedUntil > now) {
      const blockMs = counter.blockedUntil - now;
      return { totalHits: limit + 1, timeToExpire: seconds(blockMs), isBlocked: true, timeToBlockExpire: seconds(blockMs) };
    }
    // As in Redis, a window (a key's PTTL) still counts at its last millisecond.
    if (!counter || counter.windowEndsAt < now) {
      counter = { hits: 0, windowEndsAt: now + ttl, blockedUntil: 0 };
      this.counters.set(id, counter);
    }
    const hits = ++counter.hits;
    const windowMs = counter.windowEndsAt - now;
    if (hits <= limit) return { totalHits: hits, timeToExpire: seconds(windowMs), isBlocked: false, timeToBlockExpire: 0 };
    if (blockDuration <= 0) return { totalHits: hits, timeToExpire: seconds(windowMs), isBlocked: true, timeToBlockExpire: seconds(windowMs) };
    counter.blockedUntil = now + blockDuration;
    counter.hits = 0;
    counter.windowEndsAt = now - 1;
    return { totalHits: hits, timeToExpire: seconds(windowMs), isBlocked: true, timeToBlockExpire: seconds(blockDuration) };
  }

  /** Forgets the counters whose window and block have both ended. */
  sweep(): void {
    const now = this.clock.now();
    for (const [id, counter] of this.counters) {
      if (counter.windowEndsAt < now && counter.blockedUntil <= now) this.counters.delete(id);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}
