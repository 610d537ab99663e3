import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users with their extended profile, login sessions and refresh tokens. */
export class InitialSchema1763784000000 implements MigrationInterface {
  name = 'InitialSchema1763784000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        openid varchar(128) NULL,
        unionid varchar(128) NULL,
        session_key_enc text NULL,
        role varchar(16) NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'staff', 'admin')),
        disabled boolean NOT NULL DEFAULT false,
        username varchar(64) NULL,
        password_hash text NULL,
        name varchar(30) NULL,
        nickname varchar(50) NULL,
        avatar_url varchar(500) NULL,
        email varchar(254) NULL,
        phone varchar(32) NULL,
        birthday date NULL,
        gender varchar(8) NOT NULL DEFAULT 'unknown' CHECK (gender IN ('unknown', 'male', 'female')),
        address varchar(550) NULL,
        signature varchar(550) NULL,
        city varchar(100) NULL,
        province varchar(100) NULL,
        country varchar(100) NULL,
        language varchar(32) NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_openid_key UNIQUE (openid)
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username)) WHERE username IS NOT NULL`);
    await q.query(`CREATE INDEX users_created_at_idx ON users (created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        revoked_at timestamptz NULL,
        revoked_reason varchar(32) NULL,
        user_agent varchar(300) NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        spent_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE users`);
  }
}
