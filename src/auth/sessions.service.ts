import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { AuthUser } from '../common/auth-user';
import { CLOCK, Clock } from '../common/clock';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { toUserResponse } from '../users/dto/user.response';
import type { UserEntity } from '../users/entities/user.entity';
import { UserDisabledError } from '../users/users.errors';
import type { OpenidUpsertStatement } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { AccessTokenClaims, AccessTokens } from './access-tokens';
import { PrincipalBroadcast } from './principal-broadcast';
import { PrincipalCache } from './principal-cache';
import { RefreshInProgressError, RefreshTokenInvalidError, RefreshTokenReusedError } from './auth.errors';
import type { TokenPairResponse } from './dto/token.dto';
import { SessionsRepository } from './sessions.repository';

/** A session opened with its login, and its first refresh token (in the clear: it goes to the client once). */
export interface OpenedSession {
  id: string;
  refreshToken: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Login sessions: one per login and device, each a family of single-use refresh tokens
 * (stored as SHA-256 hashes) plus short-lived HS256 access tokens that name the session.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokens,
    private readonly principals: PrincipalCache,
    private readonly broadcast: PrincipalBroadcast,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Finds or creates the user of a WeChat login and opens its session, in one statement (the
   * users module's upsert run with the session's inserts). 403 USER_DISABLED, and nothing
   * written, for a disabled account. `issue` then only signs the pair.
   */
  async openWithUpsert(upsert: OpenidUpsertStatement, userAgent?: string): Promise<{ user: UserEntity; isNew: boolean; session: OpenedSession }> {
    const refreshToken = newRefreshToken();
    const created = await this.sessions.createWithUpsert(upsert, userAgent?.slice(0, 300) ?? null, hashToken(refreshToken), this.refreshExpiry());
    if (!created) throw new UserDisabledError();
    const { user, isNew } = upsert.read(created.userRow);
    return { user, isNew, session: { id: created.sessionId, refreshToken } };
  }

  /** The token pair of a user who just proved who they are: of the session opened with the login (`openWithUpsert`), or of a new one. */
  async issue(user: UserEntity, isNewUser: boolean, userAgent?: string, opened?: OpenedSession): Promise<TokenPairResponse> {
    if (user.disabled) throw new UserDisabledError();
    if (opened) return this.tokenPair(user, opened.id, opened.refreshToken, isNewUser);
    const refreshToken = newRefreshToken();
    const sessionId = await this.sessions.create(user.id, userAgent?.slice(0, 300) ?? null, hashToken(refreshToken), this.refreshExpiry());
    return this.tokenPair(user, sessionId, refreshToken, isNewUser);
  }

  /**
   * Spends a refresh token for a new pair. A spent token presented again revokes its family;
   * one that another request is spending at this moment is refused without revoking anything.
   */
  async refresh(refreshToken: string): Promise<TokenPairResponse> {
    const next = newRefreshToken();
    const result = await this.sessions.rotate(hashToken(refreshToken), hashToken(next), this.refreshExpiry(), new Date(this.clock.now()));
    if (result.kind === 'reused') {
      await this.sessions.revoke(result.sessionId, 'reuse');
      this.broadcast.forgetSession(result.sessionId);
      throw new RefreshTokenReusedError();
    }
    if (result.kind === 'busy') throw new RefreshInProgressError();
    if (result.kind === 'invalid') throw new RefreshTokenInvalidError();
    const user = await this.users.getEntity(result.userId);
    if (user.disabled) {
      await this.sessions.revoke(result.sessionId, 'disabled');
      throw new UserDisabledError();
    }
    return this.tokenPair(user, result.sessionId, next, false);
  }

  /** Revokes the session of this refresh token. Unknown tokens are ignored: logout always succeeds. */
  async logout(refreshToken: string): Promise<void> {
    const session = await this.sessions.findSessionOfToken(hashToken(refreshToken));
    if (!session) return;
    await this.sessions.revoke(session.sessionId, 'logout');
    this.broadcast.forgetSession(session.sessionId);
  }

  /**
   * The caller behind verified claims, or null when the session is gone, revoked, expired
   * (its refresh lifetime is over: an access token never outlives its session, even with
   * JWT_VERIFY_EXPIRATION=false) or not the subject's, or the user is gone or disabled.
   * Cached for a few seconds.
   */
  async resolvePrincipal(claims: Pick<AccessTokenClaims, 'sub' | 'sid'>): Promise<AuthUser | null> {
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !UUID.test(claims.sub) || !UUID.test(claims.sid)) {
      return null;
    }
    let cached = this.principals.get(claims.sid);
    if (!cached || cached.userId !== claims.sub) {
      const lookedUpAt = this.principals.generation;
      const found = await this.sessions.findPrincipal(claims.sid, claims.sub, new Date(this.clock.now()));
      cached = found
        ? { userId: found.userId, role: found.role, active: !found.revoked && !found.disabled }
        : { userId: claims.sub, role: 'user', active: false };
      this.principals.set(claims.sid, cached, lookedUpAt);
    }
    return cached.active ? { id: cached.userId, role: cached.role, sessionId: claims.sid } : null;
  }

  /** Revokes every session of a user (account disabled) and forgets them on every instance. */
  async revokeAllOfUser(userId: string, reason: string): Promise<void> {
    await this.sessions.revokeAllOfUser(userId, reason);
    this.broadcast.forgetUser(userId);
  }

  private async tokenPair(user: UserEntity, sessionId: string, refreshToken: string, isNewUser: boolean): Promise<TokenPairResponse> {
    const accessToken = this.accessTokens.sign({ sub: user.id, sid: sessionId });
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwt.accessTtlSeconds,
      user: toUserResponse(user),
      isNewUser,
    };
  }

  private refreshExpiry(): Date {
    return new Date(this.clock.now() + this.config.jwt.refreshTtlSeconds * 1000);
  }
}

function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Refresh tokens carry 256 random bits, so a plain SHA-256 is enough to store them safely. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
