import { createHash } from 'node:crypto';
import { isText } from '../common/validation/text';
import type { GoodsOrdering } from './dto/list-goods.query';

/** The filters a list was asked with; a cursor only continues the list it came from. */
export interface GoodsFilter {
  search?: string;
  category?: string;
  onSale?: boolean;
  minPrice?: string;
  maxPrice?: string;
}

/** Where the previous page ended: the ordering column's value (as PostgreSQL prints it) and the id. */
export interface Keyset {
  value: string;
  id: string;
}

/** Where a page starts: after `offset` matches, or right after the keyset of a cursor. */
export type PagePosition = { offset: number; after?: never } | { after: Keyset; offset?: never };

interface CursorPayload {
  v: 1;
  o: GoodsOrdering;
  f: string;
  k: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The shape of each ordering's value, so a hand-edited cursor is a 400 and never reaches SQL as garbage. */
const VALUE_SHAPES: Record<string, (value: string) => boolean> = {
  createdAt: (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(v),
  price: (v) => /^\d{1,10}\.\d{2}$/.test(v),
  stock: (v) => /^\d{1,10}$/.test(v) && Number(v) <= 2_147_483_647,
  name: (v) => isText(v, 1, 120),
};

/** A short fingerprint of the filters: a cursor passed with other filters is refused. */
export function filterFingerprint(filter: GoodsFilter): string {
  const canonical = JSON.stringify([filter.search ?? null, filter.category ?? null, filter.onSale ?? null, filter.minPrice ?? null, filter.maxPrice ?? null]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

export function encodeCursor(ordering: GoodsOrdering, filter: GoodsFilter, keyset: Keyset): string {
  const payload: CursorPayload = { v: 1, o: ordering, f: filterFingerprint(filter), k: keyset.value, id: keyset.id };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export type CursorDecodeResult = { ok: true; keyset: Keyset } | { ok: false; reason: 'malformed' | 'mismatch' };

/** The keyset of a cursor made by encodeCursor for this ordering and these filters. */
export function decodeCursor(cursor: string, ordering: GoodsOrdering, filter: GoodsFilter): CursorDecodeResult {
  let payload: Partial<CursorPayload>;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return { ok: false, reason: 'malformed' };
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof payload !== 'object' || payload === null || payload.v !== 1) return { ok: false, reason: 'malformed' };
  const { o, f, k, id } = payload;
  if (typeof o !== 'string' || typeof f !== 'string' || typeof k !== 'string' || typeof id !== 'string' || !UUID.test(id)) {
    return { ok: false, reason: 'malformed' };
  }
  const shape = VALUE_SHAPES[o.replace(/^-/, '')];
  if (!shape || !shape(k)) return { ok: false, reason: 'malformed' };
  if (o !== ordering || f !== filterFingerprint(filter)) return { ok: false, reason: 'mismatch' };
  return { ok: true, keyset: { value: k, id } };
}
