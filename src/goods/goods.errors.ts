import { DomainError, domainError } from '../common/errors';

export class GoodsNotFoundError extends domainError(404, 'GOODS_NOT_FOUND', 'Goods not found') {}

/** The `version` sent with a PATCH is not the current one: someone else changed the goods first. */
export class GoodsVersionConflictError extends DomainError {
  readonly status = 409;
  readonly code = 'VERSION_CONFLICT';
  constructor(readonly currentVersion: number) {
    super(`The goods was changed meanwhile (current version ${currentVersion}); reload it and try again`);
  }
}

/** The same Idempotency-Key was sent before with another body. */
export class IdempotencyKeyReusedError extends domainError(
  422,
  'IDEMPOTENCY_KEY_REUSED',
  'This Idempotency-Key was already used with a different request body',
) {}

export class InvalidIdempotencyKeyError extends domainError(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1-255 visible ASCII characters') {}

/** A bad `cursor`, or one that does not belong to this ordering and these filters. */
export class InvalidCursorError extends domainError(
  400,
  'CURSOR_INVALID',
  'cursor is invalid; pass back nextCursor unchanged, with the same filters and ordering',
) {}

/** page × pageSize beyond the offset limit: walk with the cursor instead. */
export class PageTooDeepError extends DomainError {
  readonly status = 400;
  readonly code = 'PAGE_TOO_DEEP';
  constructor(limit: number) {
    super(`page × pageSize may reach at most ${limit} rows; to go deeper, follow nextCursor (pass it as cursor)`);
  }
}

export class CursorWithPageError extends domainError(
  400,
  'CURSOR_WITH_PAGE',
  'cursor and page cannot be used together: the cursor already says where the page starts',
) {}

export class PriceRangeInvertedError extends domainError(400, 'VALIDATION_FAILED', 'minPrice must not be greater than maxPrice') {}
