/**
 * A rule of the product was broken. Services throw these; `DomainExceptionFilter` maps
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

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly code: string;
  constructor(message = 'Unauthorized', code = 'UNAUTHORIZED') {
    super(message);
    this.code = code;
  }
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly code: string;
  constructor(message = 'Forbidden', code = 'FORBIDDEN') {
    super(message);
    this.code = code;
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code: string;
  constructor(message = 'Not found', code = 'NOT_FOUND') {
    super(message);
    this.code = code;
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly code: string;
  constructor(message: string, code = 'CONFLICT') {
    super(message);
    this.code = code;
  }
}

export class BadRequestError extends DomainError {
  readonly status = 400;
  readonly code: string;
  constructor(message: string, code = 'BAD_REQUEST') {
    super(message);
    this.code = code;
  }
}
