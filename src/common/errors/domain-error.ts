/**
 * A rule of the product was broken. Services throw these; `AllExceptionsFilter` maps
 * each to its HTTP status and stable machine-readable `code`, so services never speak HTTP.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string> = {};

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The base class of a domain error with a fixed status and code:
 * `export class GoodsNotFoundError extends domainError(404, 'GOODS_NOT_FOUND', 'Goods not found') {}`.
 */
export function domainError(status: number, code: string, defaultMessage: string, headers: Record<string, string> = {}) {
  return class extends DomainError {
    readonly status = status;
    readonly code = code;
    constructor(message: string = defaultMessage) {
      super(message);
      Object.assign(this.headers, headers);
    }
  };
}

/** A domain error whose code is chosen where it is thrown. */
function domainErrorWithCode(status: number, defaultMessage: string, defaultCode: string) {
  return class extends DomainError {
    readonly status = status;
    readonly code: string;
    constructor(message: string = defaultMessage, code: string = defaultCode) {
      super(message);
      this.code = code;
    }
  };
}

export class UnauthorizedError extends domainErrorWithCode(401, 'Unauthorized', 'UNAUTHORIZED') {}
export class ForbiddenError extends domainErrorWithCode(403, 'Forbidden', 'FORBIDDEN') {}
export class NotFoundError extends domainErrorWithCode(404, 'Not found', 'NOT_FOUND') {}
export class ConflictError extends domainErrorWithCode(409, 'Conflict', 'CONFLICT') {}
export class BadRequestError extends domainErrorWithCode(400, 'Bad request', 'BAD_REQUEST') {}
