import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SecretBox } from '../common/crypto/secret-box';
import { entityColumns, hydrateRow, poolRows, queryRows } from '../database/sql';
import { MediaHolder, MediaReferencesRepository } from '../media/media-references.repository';
import { UserEntity } from './entities/user.entity';
import type { ProfilePatch } from './dto/update-profile.dto';

export interface OpenidUpsert {
  openid: string;
  unionid: string | null;
  /** Stored sealed, bound to the openid (so a sealed value cannot be moved to another row). */
  sessionKey: string;
  /** Profile fields from wx.getUserProfile; present ones overwrite. */
  profile: ProfilePatch;
}

/** What WeChat's decrypted profile may set (beyond what PATCH /users/me may): unionid too. */
export type WechatProfileFields = Partial<
  Pick<UserEntity, 'nickname' | 'avatarUrl' | 'gender' | 'city' | 'province' | 'country' | 'language' | 'unionid'>
>;

/** A statement that upserts a user (see UsersRepository.openidUpsertStatement), and how to read the row it returns. */
export interface OpenidUpsertStatement {
  sql: string;
  params: unknown[];
  read(row: Record<string, unknown>): { user: UserEntity; isNew: boolean };
}

/** `released`: media the user no longer refers to (a replaced avatar), to free once the write has committed. */
export type UpsertResult = { kind: 'upserted'; user: UserEntity; isNew: boolean; released: string[] } | { kind: 'disabled' };

/** A user as written, and the media it no longer refers to (a replaced avatar), to free once the write has committed. */
export interface SavedUser {
  user: UserEntity;
  released: string[];
}

/** A user as a holder of media: its avatar. */
const mediaHolder = (id: string): MediaHolder => ({ type: 'user', id });

const UPSERT_PROFILE_COLUMNS = [
  ['nickname', 'nickname'],
  ['avatarUrl', 'avatar_url'],
  ['city', 'city'],
  ['province', 'province'],
  ['country', 'country'],
  ['language', 'language'],
] as const;

@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly box: SecretBox,
    private readonly references: MediaReferencesRepository,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /**
   * A WeChat login's upsert as one `INSERT … ON CONFLICT`, so concurrent first logins create
   * exactly one row; `xmax = 0` tells whether this statement inserted it. A disabled user's row
   * is left untouched (the conflict update is skipped) and no row comes back. For another
   * module's statement to run as a CTE ($1…$n are its parameters; SessionsRepository runs it
   * with the new session and its refresh token: a login in one round trip); `read` turns the
   * row into the entity.
   */
  openidUpsertStatement(input: OpenidUpsert): OpenidUpsertStatement {
    const params: unknown[] = [input.openid, input.unionid, this.box.seal(input.sessionKey, input.openid), input.profile.gender ?? null];
    const columns = ['openid', 'unionid', 'session_key_enc', 'gender'];
    const values = ['$1', '$2', '$3', `COALESCE($4::varchar, 'unknown')`];
    const updates = [
      'session_key_enc = EXCLUDED.session_key_enc',
      'unionid = COALESCE(EXCLUDED.unionid, users.unionid)',
      'gender = COALESCE($4::varchar, users.gender)',
      'updated_at = now()',
    ];
    for (const [field, column] of UPSERT_PROFILE_COLUMNS) {
      params.push(input.profile[field] ?? null);
      const p = `$${params.length}`;
      columns.push(column);
      values.push(p);
      updates.push(`${column} = COALESCE(EXCLUDED.${column}, users.${column})`);
    }
    const sql = `INSERT INTO users (${columns.join(', ')}) VALUES (${values.join(', ')})
       ON CONFLICT (openid) DO UPDATE SET ${updates.join(', ')}
       WHERE users.disabled = false
       RETURNING ${entityColumns(this.repo, 'users')}, (xmax = 0) AS inserted`;
    return { sql, params, read: (row) => ({ user: hydrateRow(this.repo, row), isNew: row.inserted === true }) };
  }

  /**
   * Finds or creates the user of a WeChat login (openidUpsertStatement on its own). With an
   * avatarUrl (from wx.getUserProfile) the statement runs in a transaction with the user's
   * media references, since it may replace an uploaded avatar.
   */
  async upsertByOpenid(input: OpenidUpsert): Promise<UpsertResult> {
    const { sql, params, read } = this.openidUpsertStatement(input);
    if (!input.profile.avatarUrl) {
      // One round trip: the row comes back whole, so login needs no second SELECT.
      const rows = await poolRows(this.repo.manager.connection, sql, params);
      return rows.length === 0 ? { kind: 'disabled' } : { kind: 'upserted', ...read(rows[0]), released: [] };
    }
    return this.repo.manager.transaction(async (tx): Promise<UpsertResult> => {
      const rows = await queryRows(tx, sql, params);
      if (rows.length === 0) return { kind: 'disabled' };
      const { user, isNew } = read(rows[0]);
      const released = await this.references.replace(tx, mediaHolder(user.id), [user.avatarUrl]);
      return { kind: 'upserted', user, isNew, released };
    });
  }

  /** Applies a validated patch; returns null when the user is gone. */
  updateProfile(id: string, patch: ProfilePatch): Promise<SavedUser | null> {
    return this.write(id, patch);
  }

  /** Writes the fields taken from WeChat's decrypted user data in one UPDATE; returns null when the user is gone. */
  applyWechatProfile(id: string, fields: WechatProfileFields): Promise<SavedUser | null> {
    return this.write(id, fields);
  }

  async setPhone(id: string, phone: string): Promise<UserEntity | null> {
    await this.repo.update({ id }, { phone });
    return this.findById(id);
  }

  /**
   * Writes profile fields. A write of avatar_url runs in a transaction that ends by making the
   * user's media references say the same (MediaReferencesRepository.replace), so an uploaded
   * avatar is never freed while the row still shows it, nor kept once the row does not.
   */
  private async write(id: string, fields: Partial<UserEntity>): Promise<SavedUser | null> {
    if (fields.avatarUrl === undefined) {
      if (Object.keys(fields).length > 0) await this.repo.update({ id }, fields);
      const user = await this.findById(id);
      return user ? { user, released: [] } : null;
    }
    return this.repo.manager.transaction(async (tx) => {
      await tx.update(UserEntity, { id }, fields);
      // Read back inside the transaction: the row is locked by the UPDATE, absent if the user is gone.
      const user = await tx.findOneBy(UserEntity, { id });
      if (!user) return null;
      const released = await this.references.replace(tx, mediaHolder(id), [user.avatarUrl]);
      return { user, released };
    });
  }

  /** The user's current WeChat session_key, or null when none is stored or it no longer opens (sealed under another key). */
  openSessionKey(user: UserEntity): string | null {
    if (!user.sessionKeyEnc || !user.openid) return null;
    return this.box.open(user.sessionKeyEnc, user.openid);
  }
}
