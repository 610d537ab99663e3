import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { poolRows } from '../database/sql';
import type { Role } from '../common/auth-user';

export interface SessionPrincipal {
  userId: string;
  role: Role;
  disabled: boolean;
  revoked: boolean;
}

export type RotateResult =
  | { kind: 'rotated'; sessionId: string; userId: string }
  | { kind: 'reused'; sessionId: string; userId: string }
  | { kind: 'invalid' }
  /** Another rotation of the same token is in flight right now. */
  | { kind: 'busy' };

/** SQLSTATE lock_not_available: NOWAIT found the row locked. */
const LOCK_NOT_AVAILABLE = '55P03';

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** A new session (token family) with its first refresh token, in one statement (one round trip, atomic). */
  async create(userId: string, userAgent: string | null, tokenHash: Buffer, expiresAt: Date): Promise<string> {
    const [{ id }] = await poolRows<{ id: string }>(
      this.dataSource,
      `WITH s AS (INSERT INTO sessions (user_id, user_agent) VALUES ($1, $2) RETURNING id),
            t AS (INSERT INTO refresh_tokens (token_hash, session_id, expires_at) SELECT $3, id, $4 FROM s)
       SELECT id FROM s`,
      [userId, userAgent, tokenHash, expiresAt],
    );
    return id;
  }

  /**
   * A user's upsert (the users module's statement: `upsert.sql` with `upsert.params`) and a
   * new session for that user with its first refresh token, in one statement: a WeChat login
   * in one round trip, atomic. Null when the upsert returned no row (a disabled user): then
   * no session is opened.
   */
  async createWithUpsert(
    upsert: { sql: string; params: unknown[] },
    userAgent: string | null,
    tokenHash: Buffer,
    expiresAt: Date,
  ): Promise<{ userRow: Record<string, unknown>; sessionId: string } | null> {
    const n = upsert.params.length;
    const [row] = await poolRows<Record<string, unknown> & { wxmall_session_id: string }>(
      this.dataSource,
      `WITH u AS (${upsert.sql}),
            s AS (INSERT INTO sessions (user_id, user_agent) SELECT id, $${n + 1} FROM u RETURNING id),
            t AS (INSERT INTO refresh_tokens (token_hash, session_id, expires_at) SELECT $${n + 2}, id, $${n + 3} FROM s)
       SELECT u.*, s.id AS wxmall_session_id FROM u CROSS JOIN s`,
      [...upsert.params, userAgent, tokenHash, expiresAt],
    );
    if (!row) return null;
    const { wxmall_session_id: sessionId, ...userRow } = row;
    return { userRow, sessionId };
  }

  /**
   * Spends `oldHash` and stores `newHash` in its session, in one transaction. The token's
   * row is locked first with NOWAIT: when another rotation of the same token holds it (two
   * refreshes at the same moment), this one answers `busy` at once instead of waiting and
   * then mistaking the winner's spend for reuse, which would revoke the winner's fresh pair.
   * Under the lock, a token already spent is reuse; one expired as of `now`, or one of a
   * revoked session, is invalid.
   */
  async rotate(oldHash: Buffer, newHash: Buffer, expiresAt: Date, now: Date): Promise<RotateResult> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        const [token]: { session_id: string; user_id: string; spent: boolean; usable: boolean }[] = await tx.query(
          `SELECT rt.session_id, s.user_id, rt.spent_at IS NOT NULL AS spent,
                  (rt.expires_at > $2 AND s.revoked_at IS NULL) AS usable
             FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
            WHERE rt.token_hash = $1
              FOR UPDATE OF rt NOWAIT`,
          [oldHash, now],
        );
        if (!token) return { kind: 'invalid' } as const;
        if (token.spent) return { kind: 'reused', sessionId: token.session_id, userId: token.user_id } as const;
        if (!token.usable) return { kind: 'invalid' } as const;
        await tx.query(`UPDATE refresh_tokens SET spent_at = now() WHERE token_hash = $1`, [oldHash]);
        await tx.query(`INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)`, [
          newHash,
          token.session_id,
          expiresAt,
        ]);
        return { kind: 'rotated', sessionId: token.session_id, userId: token.user_id } as const;
      });
    } catch (err) {
      if ((err as { code?: unknown }).code === LOCK_NOT_AVAILABLE) return { kind: 'busy' };
      throw err;
    }
  }

  /** The session a refresh token belongs to, spent or not. */
  async findSessionOfToken(tokenHash: Buffer): Promise<{ sessionId: string; userId: string } | null> {
    const rows: { session_id: string; user_id: string }[] = await this.dataSource.query(
      `SELECT rt.session_id, s.user_id FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id WHERE rt.token_hash = $1`,
      [tokenHash],
    );
    return rows.length ? { sessionId: rows[0].session_id, userId: rows[0].user_id } : null;
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`, [
      sessionId,
      reason,
    ]);
  }

  async revokeAllOfUser(userId: string, reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL`, [
      userId,
      reason,
    ]);
  }

  /**
   * The session and its user, in one query, for the JWT strategy. Null when either is gone or
   * they do not match. A session whose refresh tokens have all expired (as of `now`) or been
   * spent without a successor is over, and counts as revoked.
   */
  async findPrincipal(sessionId: string, userId: string, now: Date): Promise<SessionPrincipal | null> {
    const rows = await poolRows<{ role: Role; disabled: boolean; revoked: boolean }>(
      this.dataSource,
      `SELECT u.role, u.disabled,
              (s.revoked_at IS NOT NULL OR NOT EXISTS (
                 SELECT 1 FROM refresh_tokens rt WHERE rt.session_id = s.id AND rt.spent_at IS NULL AND rt.expires_at > $3
              )) AS revoked
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2`,
      [sessionId, userId, now],
    );
    return rows.length ? { userId, ...rows[0] } : null;
  }
}
