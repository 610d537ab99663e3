import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { Role } from '../common/auth-user';
import { queryRows } from '../database/sql';
import { SessionEntity } from './entities/session.entity';

export interface SessionPrincipal {
  userId: string;
  role: Role;
  disabled: boolean;
  revoked: boolean;
}

export type RotateResult =
  | { kind: 'rotated'; sessionId: string; userId: string }
  | { kind: 'reused'; sessionId: string; userId: string }
  | { kind: 'invalid' };

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** A new session (token family) with its first refresh token. */
  async create(userId: string, userAgent: string | null, tokenHash: Buffer, expiresAt: Date): Promise<string> {
    return this.dataSource.transaction(async (tx) => {
      const [{ id }] = await tx.query(`INSERT INTO sessions (user_id, user_agent) VALUES ($1, $2) RETURNING id`, [userId, userAgent]);
      await tx.query(`INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)`, [tokenHash, id, expiresAt]);
      return id as string;
    });
  }

  /**
   * Spends `oldHash` and stores `newHash` in its session, in one transaction. The spend is
   * one atomic `UPDATE … WHERE spent_at IS NULL`, so of two concurrent rotations exactly
   * one wins. A token that exists but was already spent is reported as reuse.
   */
  async rotate(oldHash: Buffer, newHash: Buffer, expiresAt: Date): Promise<RotateResult> {
    return this.dataSource.transaction(async (tx) => {
      const spent = await queryRows<{ session_id: string; user_id: string }>(
        tx,
        `UPDATE refresh_tokens rt SET spent_at = now()
           FROM sessions s
          WHERE rt.token_hash = $1 AND rt.spent_at IS NULL AND rt.expires_at > now()
            AND s.id = rt.session_id AND s.revoked_at IS NULL
        RETURNING rt.session_id, s.user_id`,
        [oldHash],
      );
      if (spent.length === 1) {
        await tx.query(`INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)`, [
          newHash,
          spent[0].session_id,
          expiresAt,
        ]);
        return { kind: 'rotated', sessionId: spent[0].session_id, userId: spent[0].user_id };
      }
      const known: { session_id: string; user_id: string; spent: boolean }[] = await tx.query(
        `SELECT rt.session_id, s.user_id, rt.spent_at IS NOT NULL AS spent
           FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
          WHERE rt.token_hash = $1`,
        [oldHash],
      );
      if (known.length === 1 && known[0].spent) {
        return { kind: 'reused', sessionId: known[0].session_id, userId: known[0].user_id };
      }
      return { kind: 'invalid' };
    });
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

  /** The session and its user, in one query, for the JWT strategy. Null when either is gone or they do not match. */
  async findPrincipal(sessionId: string, userId: string): Promise<SessionPrincipal | null> {
    const rows: { role: Role; disabled: boolean; revoked: boolean }[] = await this.dataSource.query(
      `SELECT u.role, u.disabled, s.revoked_at IS NOT NULL AS revoked
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2`,
      [sessionId, userId],
    );
    return rows.length ? { userId, ...rows[0] } : null;
  }
}
