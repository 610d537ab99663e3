import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { AuthUser } from '../../common/auth-user';
import { AccessTokens } from '../access-tokens';
import { AccessTokenExpiredError, AccessTokenInvalidError } from '../auth.errors';
import { JWT_STRATEGY } from '../auth.constants';
import { SessionsService } from '../sessions.service';

/** `Authorization: Bearer <token>`, or `JWT <token>` as django-rest-framework-jwt clients send it. */
export function extractAccessToken(req: { headers?: Record<string, string | string[] | undefined> }): string | null {
  const header = req.headers?.authorization;
  if (typeof header !== 'string') return null;
  const match = /^(Bearer|JWT)\s+([A-Za-z0-9_\-.=+/]+)\s*$/i.exec(header);
  return match ? match[2] : null;
}

/** What the JWT strategy proves about an access token: its caller, and when it expires. */
export interface AuthenticatedToken {
  user: AuthUser;
  /** The token's `exp`, seconds since the epoch. */
  exp: number;
}

/**
 * The `jwt` strategy: the access token's HS256 signature and expiry (AccessTokens), then
 * its session — it exists, is live and is its subject's — and that the user may still act
 * (SessionsService.resolvePrincipal). 401 TOKEN_EXPIRED for a well-signed token past its
 * `exp` (the client refreshes), TOKEN_INVALID for anything else.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokens,
  ) {
    super();
  }

  async validate(req: { headers?: Record<string, string | string[] | undefined> }): Promise<AuthenticatedToken> {
    const token = extractAccessToken(req);
    if (!token) throw new AccessTokenInvalidError();
    const verified = this.tokens.verify(token);
    if (!verified.ok) throw verified.expired ? new AccessTokenExpiredError() : new AccessTokenInvalidError();
    const user = await this.sessions.resolvePrincipal(verified.claims);
    if (!user) throw new AccessTokenInvalidError();
    return { user, exp: verified.claims.exp };
  }
}
