import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SecretBox } from '../common/crypto/secret-box';
import { entityColumns, hydrateRow } from '../database/sql';
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

export type UpsertResult = { kind: 'upserted'; user: UserEntity; isNew: boolean } | { kind: 'disabled' };

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
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /**
   * Finds or creates the user of an openid in one `INSERT … ON CONFLICT`, so concurrent
   * first logins create exactly one row; `xmax = 0` tells whether this statement inserted it.
   * A disabled user's row is left untouched (the conflict update is skipped).
   */
  async upsertByOpenid(input: OpenidUpsert): Promise<UpsertResult> {
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
    // One round trip: the row comes back whole, so login needs no second SELECT.
    const rows: (Record<string, unknown> & { inserted: boolean })[] = await this.repo.query(
      `INSERT INTO users (${columns.join(', ')}) VALUES (${values.join(', ')})
       ON CONFLICT (openid) DO UPDATE SET ${updates.join(', ')}
       WHERE users.disabled = false
       RETURNING ${entityColumns(this.repo, 'users')}, (xmax = 0) AS inserted`,
      params,
    );
    if (rows.length === 0) return { kind: 'disabled' };
    return { kind: 'upserted', user: hydrateRow(this.repo, rows[0]), isNew: rows[0].inserted };
  }

  /** Applies a validated patch; returns null when the user is gone. */
  async updateProfile(id: string, patch: ProfilePatch): Promise<UserEntity | null> {
    if (Object.keys(patch).length > 0) await this.repo.update({ id }, patch);
    return this.findById(id);
  }

  /** Writes the fields taken from WeChat's decrypted user data in one UPDATE; returns null when the user is gone. */
  async applyWechatProfile(id: string, fields: WechatProfileFields): Promise<UserEntity | null> {
    if (Object.keys(fields).length > 0) await this.repo.update({ id }, fields);
    return this.findById(id);
  }

  async setPhone(id: string, phone: string): Promise<UserEntity | null> {
    await this.repo.update({ id }, { phone });
    return this.findById(id);
  }

  /** The user's current WeChat session_key, or null when none is stored or it no longer opens (sealed under another key). */
  openSessionKey(user: UserEntity): string | null {
    if (!user.sessionKeyEnc || !user.openid) return null;
    return this.box.open(user.sessionKeyEnc, user.openid);
  }
}
