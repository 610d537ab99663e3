import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../common/clock';
import { CappedCountCache } from './capped-count-cache';

describe(CappedCountCache.name, () => {
  let now: number;
  const clock: Clock = { now: () => now };

  beforeEach(() => {
    now = 1_000;
  });

  it('should remember a key over the cap until its TTL ends', () => {
    const sut = new CappedCountCache(10_000, clock);
    sut.rememberOverCap('k');
    now = 10_999;
    expect(sut.isOverCap('k')).toBe(true);
    expect(sut.isOverCap('other')).toBe(false);
    now = 11_000;
    expect(sut.isOverCap('k')).toBe(false);
  });

  it('should forget everything on clear', () => {
    const sut = new CappedCountCache(10_000, clock);
    sut.rememberOverCap('k');
    sut.clear();
    expect(sut.isOverCap('k')).toBe(false);
  });

  it('should remember nothing with a TTL of 0', () => {
    const sut = new CappedCountCache(0, clock);
    sut.rememberOverCap('k');
    expect(sut.isOverCap('k')).toBe(false);
  });

  it('should drop the oldest entry when full', () => {
    const sut = new CappedCountCache(10_000, clock, 2);
    sut.rememberOverCap('a');
    sut.rememberOverCap('b');
    sut.rememberOverCap('c');
    expect([sut.isOverCap('a'), sut.isOverCap('b'), sut.isOverCap('c')]).toEqual([false, true, true]);
  });
});
