import type { Clock } from '../common/clock';

/**
 * Remembers, for a few seconds, which filters match more than the count cap. Counting up
 * to the cap costs one heap visit per match (GIN indexes cannot answer a count alone), so
 * for popular searches (奶, 苹果) and broad filters the count, not the page, would be
 * most of a list request. Only "more than the cap" is remembered: an exact total is
 * always counted afresh, and it is shown as "10,000+" anyway. Deletes on this instance
 * clear it at once; elsewhere it lags by at most the TTL.
 */
export class CappedCountCache {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly maxEntries = 10_000,
  ) {}

  /** True when `key` was seen above the cap within the TTL. */
  isOverCap(key: string): boolean {
    const expiresAt = this.entries.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }

  rememberOverCap(key: string): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, this.clock.now() + this.ttlMs);
  }

  clear(): void {
    this.entries.clear();
  }
}
