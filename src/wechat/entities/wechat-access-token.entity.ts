import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The app's WeChat access token, one row per AppID, shared by every instance of the API. */
@Entity({ name: 'wechat_access_tokens' })
export class WechatAccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  appid: string;

  /** The token sealed with AES-256-GCM (SecretBox, the AppID as associated data): a credential for the whole app. */
  @Column({ name: 'access_token_enc', type: 'text' })
  accessTokenEnc: string;

  /** SHA-256 of the token, so "expire it only if it is still this token" is one compare-and-set UPDATE. */
  @Column({ name: 'access_token_sha256', type: 'bytea' })
  accessTokenSha256: Buffer;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** When we last asked WeChat (stable_token may hand back the same token near its end). */
  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt: Date;
}
