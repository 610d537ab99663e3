import { domainError } from '../common/errors';

/** A bad `cursor`, or one that belongs to other filters. */
export class AuditCursorInvalidError extends domainError(
  400,
  'CURSOR_INVALID',
  'cursor is invalid; pass back nextCursor unchanged, with the same filters',
) {}

export class AuditRangeInvalidError extends domainError(400, 'VALIDATION_FAILED', 'from must be earlier than to') {}
