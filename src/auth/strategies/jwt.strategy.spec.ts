import { describe, expect, it } from 'vitest';
import { extractAccessToken } from './jwt.strategy';

describe(extractAccessToken.name, () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['JWT abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['jwt  abc.def.ghi ', 'abc.def.ghi'],
  ])('should read %j', (header, token) => {
    expect(extractAccessToken({ headers: { authorization: header } })).toBe(token);
  });

  it.each([undefined, '', 'abc.def.ghi', 'Basic dXNlcjpwYXNz', 'Token abc', 'Bearer', 'Bearer a b'])('should refuse %j', (header) => {
    expect(extractAccessToken({ headers: { authorization: header } })).toBeNull();
  });
});
