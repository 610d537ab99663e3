import { Injectable } from '@nestjs/common';
import { AccessTokenInvalidError } from './auth.errors';
import { runStrategy } from './guards/strategy.guard';
import { AuthenticatedToken, JwtStrategy } from './strategies/jwt.strategy';

/**
 * The one "authenticate this access token" path: the global guard runs it on each request's
 * Authorization header, and `POST /api/auth/verify` on the token in its body.
 */
@Injectable()
export class AccessTokenAuthenticator {
  constructor(private readonly strategy: JwtStrategy) {}

  /** The caller of a request, or 401 TOKEN_EXPIRED (refresh it) / TOKEN_INVALID (log in). */
  async authenticate(request: { headers?: Record<string, string | string[] | undefined> }): Promise<AuthenticatedToken> {
    const { err, user } = await runStrategy(this.strategy, request, undefined);
    if (err) throw err;
    if (!user) throw new AccessTokenInvalidError();
    return user as AuthenticatedToken;
  }

  authenticateToken(token: string): Promise<AuthenticatedToken> {
    return this.authenticate({ headers: { authorization: `Bearer ${token}` } });
  }
}
