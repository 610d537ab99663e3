import { describe, expect, it } from 'vitest';
import { changesBetween } from './audit-changes';

describe(changesBetween.name, () => {
  const FIELDS = ['name', 'price', 'images', 'onSale'];

  it('should list only the named fields whose value changed', () => {
    const before = { name: '苹果', price: 39.9, images: ['https://a/1.jpg'], onSale: true, passwordHash: 'x' };
    const after = { name: '苹果', price: 35, images: ['https://a/1.jpg', 'https://a/2.jpg'], onSale: true, passwordHash: 'y' };
    expect(changesBetween(before, after, FIELDS)).toEqual({
      price: [39.9, 35],
      images: [['https://a/1.jpg'], ['https://a/1.jpg', 'https://a/2.jpg']],
    });
  });

  it('should record a create as null before and a delete as null after, leaving out fields that stay empty', () => {
    const goods = { name: '牛奶', price: 5, images: [], onSale: false, description: null };
    expect(changesBetween(null, goods, [...FIELDS, 'description'])).toEqual({
      name: [null, '牛奶'],
      price: [null, 5],
      images: [null, []],
      onSale: [null, false],
    });
    expect(changesBetween(goods, null, ['name'])).toEqual({ name: ['牛奶', null] });
  });

  it('should write dates as ISO strings', () => {
    const at = new Date('2026-01-31T08:00:00.000Z');
    expect(changesBetween({ when: null }, { when: at }, ['when'])).toEqual({ when: [null, '2026-01-31T08:00:00.000Z'] });
  });
});
