import { describe, expect, it } from 'vitest';
import { jsonHasLoneSurrogate, jsonNestsDeeperThan } from './json-body-parser';

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

/** Every string of a parsed JSON value, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('jsonHasLoneSurrogate', () => {
  it.each([
    ['{"email":"a\\udfffb@x.cn"}', true],
    ['{"a":"\\ud800"}', true],
    ['{"a":"\\ud800x"}', true],
    ['{"a":"\\ud800\\n"}', true],
    ['{"a":"\\udc00\\ud800"}', true],
    ['["ok","\\uDBFF"]', true],
  ])('should find the unpaired escape in %s', (text, expected) => {
    expect(jsonHasLoneSurrogate(text)).toBe(expected);
    // What the scan stands for: the parsed body holds a string that is not Unicode (encodeURI throws on it).
    const bad = strings(JSON.parse(text)).find((s) => LONE.test(s));
    expect(bad).toBeDefined();
    expect(() => encodeURI(bad!)).toThrow(URIError);
  });

  it.each([
    '{"a":"\\ud83d\\ude00"}',
    '{"a":"😀 中文 \\u4e2d"}',
    '{"a":"\\\\ud800"}',
    '{"\\ud83d\\ude00":1,"b":"\\\\\\\\"}',
    '{"a":"plain","b":[1,2,{"c":"\\"\\ud800\\udc00\\""}]}',
  ])('should let well-formed text through: %s', (text) => {
    expect(jsonHasLoneSurrogate(text)).toBe(false);
    expect(strings(JSON.parse(text)).some((s) => LONE.test(s))).toBe(false);
  });
});
