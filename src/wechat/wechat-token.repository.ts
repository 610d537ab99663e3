import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { SecretBox } from '../common/crypto/secret-box';
import { WechatAccessTokenEntity } from './entities/wechat-access-token.entity';

export interface StoredAccessToken {
  token: string;
  expiresAt: Date;
  fetchedAt: Date;
}

/** The row of one AppID, read and written inside the lock that `withLock` holds. */
export interface LockedTokenRow {
  read(): Promise<StoredAccessToken | null>;
  write(value: StoredAccessToken): Promise<void>;
}

/**
 * The shared access token table: one row per AppID, serialised across instances by a
 * PostgreSQL advisory lock. The token is stored sealed (it is a credential for the whole
 * app) with its SHA-256 beside it for compare-and-set; a row that no longer opens (the
 * DATA_ENCRYPTION_KEY changed) reads as absent, so a new token is fetched.
 */
@Injectable()
export class WechatTokenRepository {
  constructor(
    @InjectRepository(WechatAccessTokenEntity) private readonly repo: Repository<WechatAccessTokenEntity>,
    private readonly box: SecretBox,
  ) {}

  async find(appid: string): Promise<StoredAccessToken | null> {
    return this.toStored(await this.repo.findOneBy({ appid }));
  }

  /**
   * Runs `fn` in a transaction holding a transaction-scoped advisory lock on this AppID, so
   * that of several instances that find the token due at once, one asks WeChat and the
   * others, waiting here, then read what it stored. The lock is released at commit or
   * rollback, also when the connection drops.
   */
  withLock<T>(appid: string, fn: (row: LockedTokenRow) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(async (tx: EntityManager) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('wechat_access_token:' || $1, 0))`, [appid]);
      return fn({
        read: async () => this.toStored(await tx.findOneBy(WechatAccessTokenEntity, { appid })),
        write: async (value) => {
          await tx.query(
            `INSERT INTO wechat_access_tokens (appid, access_token_enc, access_token_sha256, expires_at, fetched_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (appid) DO UPDATE SET access_token_enc = EXCLUDED.access_token_enc,
               access_token_sha256 = EXCLUDED.access_token_sha256, expires_at = EXCLUDED.expires_at, fetched_at = EXCLUDED.fetched_at`,
            [appid, this.box.seal(value.token, appid), sha256(value.token), value.expiresAt, value.fetchedAt],
          );
        },
      });
    });
  }

  /**
   * Marks the token expired only if it is still the stored one (compare-and-set): when
   * another instance has already replaced it, its newer token is left alone.
   */
  async expireIfCurrent(appid: string, token: string): Promise<boolean> {
    const result: [unknown[], number] = await this.repo.query(
      `UPDATE wechat_access_tokens SET expires_at = to_timestamp(0), fetched_at = to_timestamp(0)
        WHERE appid = $1 AND access_token_sha256 = $2`,
      [appid, sha256(token)],
    );
    return result[1] > 0;
  }

  private toStored(entity: WechatAccessTokenEntity | null): StoredAccessToken | null {
    const token = entity ? this.box.open(entity.accessTokenEnc, entity.appid) : null;
    return entity && token ? { token, expiresAt: entity.expiresAt, fetchedAt: entity.fetchedAt } : null;
  }
}

function sha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
