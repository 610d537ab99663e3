import { describe, expect, it } from 'vitest';
import { escapeLike } from '../database/sql';
import { decodeCursor, encodeCursor, filterFingerprint } from './goods-cursor';

const ID = '3b241101-e2bb-4255-8caf-4136c566a962';

describe('goods cursor', () => {
  it('should decode what it encoded for the same ordering and filters', () => {
    const cursor = encodeCursor('-createdAt', { search: '奶', onSale: true }, { value: '2026-11-22T04:30:00.123456Z', id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, '-createdAt', { search: '奶', onSale: true })).toEqual({
      ok: true,
      keyset: { value: '2026-11-22T04:30:00.123456Z', id: ID },
    });
  });

  it('should refuse a cursor of another ordering or other filters', () => {
    const cursor = encodeCursor('price', { category: '水果' }, { value: '12.50', id: ID });
    expect(decodeCursor(cursor, '-price', { category: '水果' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(decodeCursor(cursor, 'price', { category: '蔬菜' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(decodeCursor(cursor, 'price', {})).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('should refuse garbage and values that do not fit the ordering', () => {
    const forge = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    const f = filterFingerprint({});
    for (const bad of [
      'not a cursor!',
      '',
      forge(null),
      forge({ v: 2, o: 'price', f, k: '1.00', id: ID }),
      forge({ v: 1, o: 'price', f, k: "1; DROP TABLE goods", id: ID }),
      forge({ v: 1, o: 'price', f, k: '1.00', id: 'x' }),
      forge({ v: 1, o: 'stock', f, k: '99999999999', id: ID }),
      forge({ v: 1, o: 'createdAt', f, k: 'yesterday', id: ID }),
      forge({ v: 1, o: 'secret', f, k: '1', id: ID }),
    ]) {
      expect(decodeCursor(bad, 'price', {}).ok).toBe(false);
    }
  });

  it('should escape LIKE wildcards and the escape character', () => {
    expect(escapeLike('100%_a\\b')).toBe('100\\%\\_a\\\\b');
    expect(escapeLike('苹果')).toBe('苹果');
  });
});
