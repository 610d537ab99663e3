import { Injectable } from '@nestjs/common';
import { AuthenticatedToken, JwtStrategy } from './strategies/jwt.strategy';

/**
 * The one "authenticate this access token" path: the global guard runs it on each request's
 * Authorization header, and `POST /api/auth/verify` on the token in its body.
 *
 * It calls the `jwt` strategy's `validate` itself rather than through `passport.authenticate`:
 * for a stateless bearer token Passport adds nothing but per-request work (a middleware
 * closure, a copy of the strategy with five action functions, and the Nest mixin's callback
 * promise) on the hottest path of the API. The strategy stays registered with Passport as `jwt`.
 */
@Injectable()
export class AccessTokenAuthenticator {
  constructor(private readonly strategy: JwtStrategy) {}

  /** The caller of a request, or 401 TOKEN_EXPIRED (refresh it) / TOKEN_INVALID (log in). */
  authenticate(request: { headers?: Record<string, string | string[] | undefined> }): Promise<AuthenticatedToken> {
    return this.strategy.validate(request);
  }

  authenticateToken(token: string): Promise<AuthenticatedToken> {
    return this.authenticate({ headers: { authorization: `Bearer ${token}` } });
  }
}
