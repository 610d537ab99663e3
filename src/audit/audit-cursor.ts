import { createHash } from 'node:crypto';
import type { AuditAction, AuditTargetType } from './audit-entry';

/** The filters of a listing; a cursor only continues the listing it came from. */
export interface AuditFilter {
  actorId?: string;
  action?: AuditAction;
  targetType?: AuditTargetType;
  targetId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** Where the previous page ended: `at` as PostgreSQL prints it in UTC with microseconds, and the id. */
export interface AuditKeyset {
  at: string;
  id: string;
}

interface CursorPayload {
  v: 1;
  f: string;
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Microseconds: a JavaScript Date (milliseconds) would skip or repeat rows written in the same millisecond. */
const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function auditFilterFingerprint(filter: AuditFilter): string {
  const canonical = JSON.stringify([
    filter.actorId ?? null,
    filter.action ?? null,
    filter.targetType ?? null,
    filter.targetId?.toLowerCase() ?? null,
    filter.from?.toISOString() ?? null,
    filter.to?.toISOString() ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

export function encodeAuditCursor(filter: AuditFilter, keyset: AuditKeyset): string {
  const payload: CursorPayload = { v: 1, f: auditFilterFingerprint(filter), at: keyset.at, id: keyset.id };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The keyset of a cursor made by encodeAuditCursor for these filters, or null. */
export function decodeAuditCursor(cursor: string, filter: AuditFilter): AuditKeyset | null {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return null;
  let payload: Partial<CursorPayload>;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null || payload.v !== 1) return null;
  const { f, at, id } = payload;
  if (typeof f !== 'string' || typeof at !== 'string' || typeof id !== 'string') return null;
  if (!AT.test(at) || Number.isNaN(Date.parse(at)) || !UUID.test(id)) return null;
  if (f !== auditFilterFingerprint(filter)) return null;
  return { at, id };
}
