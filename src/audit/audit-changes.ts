import type { AuditChanges, AuditValue } from './audit-entry';

/**
 * `{field: [before, after]}` of the listed fields whose value differs; a missing side (a
 * create's before, a delete's after) counts as null. Only the fields named are compared, so a
 * caller lists what may be shown to an admin (never a password hash or a session key).
 */
export function changesBetween(
  before: Readonly<Record<string, unknown>> | null,
  after: Readonly<Record<string, unknown>> | null,
  fields: readonly string[],
): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of fields) {
    const was = toAuditValue(before?.[field]);
    const now = toAuditValue(after?.[field]);
    if (JSON.stringify(was) !== JSON.stringify(now)) changes[field] = [was, now];
  }
  return changes;
}

/** Dates as ISO strings, undefined as null; other values as JSON keeps them. */
function toAuditValue(value: unknown): AuditValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toAuditValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toAuditValue(v)]));
  }
  if (typeof value === 'bigint') return value.toString();
  return value as string | number | boolean;
}
