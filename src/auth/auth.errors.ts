import { DomainError } from '../common/errors';

/** A refresh token that is unknown, expired, or whose session was revoked. The client logs in again. */
export class RefreshTokenInvalidError extends DomainError {
  readonly status = 401;
  readonly code = 'REFRESH_TOKEN_INVALID';
  constructor() {
    super('The refresh token is invalid or expired; log in again');
  }
}

/** A refresh token presented a second time: its whole family is revoked. The client logs in again. */
export class RefreshTokenReusedError extends DomainError {
  readonly status = 401;
  readonly code = 'REFRESH_TOKEN_REUSED';
  constructor() {
    super('The refresh token was already used; the session is revoked, log in again');
  }
}

export class InvalidAccessTokenError extends DomainError {
  readonly status = 401;
  readonly code: string;
  constructor(expired = false) {
    super(expired ? 'The access token has expired; refresh it' : 'Missing or invalid access token');
    this.code = expired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID';
  }
}
