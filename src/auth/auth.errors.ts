import { domainError } from '../common/errors';

/** A refresh token that is unknown, expired, or whose session was revoked. The client logs in again. */
export class RefreshTokenInvalidError extends domainError(401, 'REFRESH_TOKEN_INVALID', 'The refresh token is invalid or expired; log in again') {}

/** A refresh token presented a second time: its whole family is revoked. The client logs in again. */
export class RefreshTokenReusedError extends domainError(
  401,
  'REFRESH_TOKEN_REUSED',
  'The refresh token was already used; the session is revoked, log in again',
) {}

/**
 * Another refresh with the same token is being served at this very moment (two requests
 * of one client racing). Nothing is revoked: the other request's new pair is good. A client
 * that shares its token storage between requests takes that pair; any other logs in again.
 */
export class RefreshInProgressError extends domainError(
  401,
  'REFRESH_IN_PROGRESS',
  'Another refresh with this token is in progress; use the pair it returns',
) {}

/** A well-signed access token past its `exp`: the client refreshes it. */
export class AccessTokenExpiredError extends domainError(401, 'TOKEN_EXPIRED', 'The access token has expired; refresh it') {}

/** No token, a bad one, or one whose session or user may no longer act: the client logs in again. */
export class AccessTokenInvalidError extends domainError(401, 'TOKEN_INVALID', 'Missing or invalid access token') {}
