import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan } from './json-body-parser';

describe('jsonNestsDeeperThan', () => {
  it('should count arrays and objects alike', () => {
    expect(jsonNestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(jsonNestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":{"b":[{}]}}', 3)).toBe(true);
  });

  it('should measure the deepest point, not the number of brackets', () => {
    expect(jsonNestsDeeperThan('[[1],[2],[3],[4],[5],{"a":[]}]', 3)).toBe(false);
    expect(jsonNestsDeeperThan('[[1],[2],[3],[4],[5],{"a":[]}]', 2)).toBe(true);
  });

  it('should not count brackets inside strings, escaped quotes and backslashes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: '\\"[[[[' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'x\\', b: '[[[' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify(['"', [['"']]]), 2)).toBe(true);
  });

  it('should handle 100,000 levels without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(jsonNestsDeeperThan(deep, 64)).toBe(true);
    expect(jsonNestsDeeperThan(deep, 100_000)).toBe(false);
  });
});
