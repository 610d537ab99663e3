import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration';

describe(parseDuration.name, () => {
  it.each([
    ['900', 900],
    ['45s', 45],
    ['15m', 900],
    ['2h', 7200],
    ['30d', 2_592_000],
  ])('should read %s as %i seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each(['', '0', '2w', '-5', '1.5h', 'abc'])('should refuse %j', (input) => {
    expect(parseDuration(input)).toBeNull();
  });
});
