import { MigrationInterface, QueryRunner } from 'typeorm';

/** The app's WeChat access token, shared by every instance through the database (one row per AppID). */
export class WechatAccessTokens1763784200000 implements MigrationInterface {
  name = 'WechatAccessTokens1763784200000';

  async up(q: QueryRunner): Promise<void> {
    // WeChat asks for room for at least 512 characters; sealed, the token takes about 4/3 of that.
    await q.query(`
      CREATE TABLE wechat_access_tokens (
        appid varchar(64) PRIMARY KEY,
        access_token_enc text NOT NULL,
        access_token_sha256 bytea NOT NULL,
        expires_at timestamptz NOT NULL,
        fetched_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE wechat_access_tokens`);
  }
}
