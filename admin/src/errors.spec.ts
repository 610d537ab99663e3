import { describe, expect, it } from 'vitest';
import { ApiError } from './api.js';
import { changedFields } from './diff.js';
import { describeError, fieldErrors } from './errors.js';
import { formatTotal } from './format.js';

describe(fieldErrors.name, () => {
  const labels = { name: 'Name', price: 'Price', images: 'Gallery', imageUrl: 'Cover image' };

  it('should place class-validator messages at their fields, in the field label’s words', () => {
    const placed = fieldErrors(
      [
        'price must not be less than 0',
        'name must be longer than or equal to 1 characters',
        'each value in images must be an http(s) URL',
        'imageUrl must be an http(s) URL',
        'property images should not exist',
        'something about the whole form',
      ],
      labels,
    );
    expect(placed.byField).toEqual({
      price: ['Price must not be less than 0'],
      name: ['Name must be longer than or equal to 1 characters'],
      images: ['Each value in Gallery must be an http(s) URL', 'Gallery is not accepted by this server'],
      imageUrl: ['Cover image must be an http(s) URL'],
    });
    expect(placed.other).toEqual(['something about the whole form']);
  });

  it('should not take a field whose name only starts the same way', () => {
    expect(fieldErrors(['pricey must be x'], labels)).toEqual({ byField: {}, other: ['pricey must be x'] });
  });
});

describe(describeError.name, () => {
  it('should explain a code in words and keep the request id', () => {
    const text = describeError(new ApiError(409, 'LAST_ADMIN', ['This is the last enabled admin: promote another admin first'], 'rid-1'));
    expect(text.title).toMatch(/last enabled admin/);
    expect(text.requestId).toBe('rid-1');
  });

  it('should never show a server error’s internals', () => {
    const text = describeError(new ApiError(500, 'INTERNAL_ERROR', ['Internal server error'], 'rid-2'));
    expect(text.title).toMatch(/went wrong on the server/);
    expect(text.details).toEqual([]);
  });
});

describe(changedFields.name, () => {
  it('should list changed fields, treating empty and absent alike', () => {
    const before = { name: '苹果', price: 39.9, category: null, images: [] as string[] };
    expect(changedFields(before, { name: '苹果', price: 35, category: '' as unknown as null, images: undefined })).toEqual([{ field: 'price', before: 39.9, after: 35 }]);
  });
});

describe(formatTotal.name, () => {
  it('should say 10,000+ when the total is capped', () => {
    expect(formatTotal(10000, false)).toBe('10,000+');
    expect(formatTotal(1234, true)).toBe('1,234');
  });
});
