import { describe, expect, it } from 'vitest';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';

const KEYSET = { at: '2026-01-31T08:00:00.123456Z', id: '8f14e45f-ceea-467f-a0e6-6e7b1c2a3d4e' };

describe('audit cursor', () => {
  it('should give back the keyset it was made from, for the same filters', () => {
    const filter = { action: 'goods.update' as const, from: new Date('2026-01-01T00:00:00Z') };
    expect(decodeAuditCursor(encodeAuditCursor(filter, KEYSET), { ...filter })).toEqual(KEYSET);
  });

  it('should refuse a cursor made for other filters', () => {
    const cursor = encodeAuditCursor({ action: 'goods.update' }, KEYSET);
    expect(decodeAuditCursor(cursor, { action: 'goods.delete' })).toBeNull();
    expect(decodeAuditCursor(cursor, {})).toBeNull();
  });

  it('should refuse garbage and hand-edited cursors', () => {
    const edit = (payload: object) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    const good = JSON.parse(Buffer.from(encodeAuditCursor({}, KEYSET), 'base64url').toString());
    expect(decodeAuditCursor('not a cursor!', {})).toBeNull();
    expect(decodeAuditCursor(edit({ ...good, at: '2026-01-31 08:00:00' }), {})).toBeNull();
    expect(decodeAuditCursor(edit({ ...good, at: '2026-13-45T08:00:00.000000Z' }), {})).toBeNull();
    expect(decodeAuditCursor(edit({ ...good, id: "1' OR 1=1" }), {})).toBeNull();
    expect(decodeAuditCursor(edit({ ...good, v: 2 }), {})).toBeNull();
    expect(decodeAuditCursor(edit(good), {})).toEqual(KEYSET);
  });
});
