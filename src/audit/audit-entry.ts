/**
 * What the audit log records: every staff write, one row per action, written in the same
 * transaction as the change (so a change that rolls back leaves no row, and a change that
 * commits always has one).
 */
export const AUDIT_ACTIONS = [
  'goods.create',
  'goods.update',
  'goods.delete',
  'user.create',
  'user.role',
  'user.disable',
  'user.enable',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ['goods', 'user'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** A JSON value as stored in `changes`. */
export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };

/** `{field: [before, after]}`: `before` is null on a create, `after` is null on a delete. */
export type AuditChanges = Record<string, [AuditValue, AuditValue]>;

/** Who acted and in which request: taken from the HTTP request by `@AuditedRequest()`. */
export interface AuditContext {
  /** The signed-in user; null for the system (the operator CLI, the start-up admin). */
  actorId: string | null;
  /** The request's X-Request-Id, so a row leads to its log lines. */
  requestId: string | null;
}

/** The system acting outside any request: the operator CLI, the admin created at start-up. */
export const SYSTEM_AUDIT_CONTEXT: AuditContext = Object.freeze({ actorId: null, requestId: null });

export interface NewAuditEntry {
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  changes: AuditChanges;
}

/** One row of the audit log as read back. */
export interface AuditEntry extends NewAuditEntry {
  id: string;
  at: Date;
  actorId: string | null;
  requestId: string | null;
}
