import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import type { AuthUser } from '../../common/auth-user';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AccessTokenInvalidError } from '../auth.errors';
import { JWT_STRATEGY } from '../auth.constants';
import { jwtKeyRing } from '../jwt-key';
import { AccessTokenClaims, SessionsService } from '../sessions.service';

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
 * passport-jwt checks the HS256 signature and the expiry; `validate` then checks that the
 * token's session exists, is live and is its subject's, and that the user may still act.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const keys = jwtKeyRing(config);
    super({
      jwtFromRequest: extractAccessToken,
      // The key the token's `kid` names (JWT_SECRET or one of JWT_PREVIOUS_SECRETS). passport-jwt
      // hands it to jsonwebtoken, which takes a KeyObject (passport-jwt's typings say string | Buffer).
      secretOrKeyProvider: (_request: unknown, rawJwtToken: string, done: (err: Error | null, key?: string) => void) => {
        const key = keys.keyFor(rawJwtToken);
        if (key) done(null, key as unknown as string);
        else done(new Error('unknown signing key'));
      },
      // Pinned: `none` and asymmetric algorithms are refused whatever the token's header says.
      algorithms: ['HS256'],
      ignoreExpiration: !config.jwt.verifyExpiration,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<AuthenticatedToken> {
    const user = await this.sessions.resolvePrincipal(claims);
    if (!user) throw new AccessTokenInvalidError();
    return { user, exp: claims.exp };
  }
}
