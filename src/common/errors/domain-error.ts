/**
 * A rule of the product was broken. Services throw these; `AllExceptionsFilter` maps
 * each to its HTTP status and stable machine-readable `code`, so services never speak HTTP.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string> = {};
  /** True when the exception filter must not log it (its thrower logs what matters, e.g. a health check's change of state). */
  readonly quiet: boolean = false;

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

/** A route's @Roles() does not include the caller's role. */
export class RoleForbiddenError extends domainError(403, 'ROLE_FORBIDDEN', 'Your role does not allow this') {}
