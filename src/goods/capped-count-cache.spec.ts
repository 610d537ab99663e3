import { describe, expect, it } from 'vitest';
import { CappedCountCache } from './capped-count-cache';

describe(CappedCountCache.name, () => {
  it('should remember a key over the cap until its TTL ends', () => {
    const sut = new CappedCountCache(10_000);
    sut.rememberOverCap('k', 1_000);
    expect(sut.isOverCap('k', 10_999)).toBe(true);
    expect(sut.isOverCap('k', 11_000)).toBe(false);
    expect(sut.isOverCap('other', 1_000)).toBe(false);
  });

  it('should forget everything on clear', () => {
    const sut = new CappedCountCache(10_000);
    sut.rememberOverCap('k', 0);
    sut.clear();
    expect(sut.isOverCap('k', 1)).toBe(false);
  });

  it('should remember nothing with a TTL of 0', () => {
    const sut = new CappedCountCache(0);
    sut.rememberOverCap('k', 0);
    expect(sut.isOverCap('k', 0)).toBe(false);
  });

  it('should drop the oldest entry when full', () => {
    const sut = new CappedCountCache(10_000, 2);
    sut.rememberOverCap('a', 0);
    sut.rememberOverCap('b', 0);
    sut.rememberOverCap('c', 0);
    expect([sut.isOverCap('a', 1), sut.isOverCap('b', 1), sut.isOverCap('c', 1)]).toEqual([false, true, true]);
  });
});
