import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, DEV_JWT_SECRET, loadConfig } from './load-config';

const PROD = {
  NODE_ENV: 'production',
  JWT_SECRET: 'p'.repeat(40),
  DATABASE_URL: 'postgres://u:p@db:5432/wxmall',
  WECHAT_APPID: 'wx1234567890abcdef',
  WECHAT_SECRET: 'secret',
  DATA_ENCRYPTION_KEY: 'cd'.repeat(32),
};

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('should apply the documented defaults in development', () => {
    const sut = loadConfig({});
    expect(sut).toMatchObject({
      env: 'development',
      port: 3000,
      databaseUrl: null,
      embeddedPgPort: 54329,
      authRateLimit: 60,
      jwt: { secret: DEV_JWT_SECRET, accessTtlSeconds: 7200, refreshTtlSeconds: 30 * 86400, verifyExpiration: true, usingDevSecret: true },
      wechat: { appid: null, apiBase: 'https://api.weixin.qq.com', timeoutMs: 5000 },
      admin: null,
    });
    expect(sut.dataEncryptionKey).toHaveLength(32);
  });

  it('should accept a complete production configuration', () => {
    const sut = loadConfig(PROD);
    expect(sut.env).toBe('production');
    expect(sut.jwt.usingDevSecret).toBe(false);
    expect(sut.databaseUrl).toBe(PROD.DATABASE_URL);
  });

  it.each([
    ['JWT_SECRET', { ...PROD, JWT_SECRET: undefined }],
    ['JWT_SECRET', { ...PROD, JWT_SECRET: 'short-secret' }],
    ['JWT_SECRET', { ...PROD, JWT_SECRET: DEV_JWT_SECRET }],
    ['DATABASE_URL', { ...PROD, DATABASE_URL: undefined }],
    ['WECHAT_APPID', { ...PROD, WECHAT_APPID: undefined }],
    ['WECHAT_SECRET', { ...PROD, WECHAT_SECRET: undefined }],
    ['DATA_ENCRYPTION_KEY', { ...PROD, DATA_ENCRYPTION_KEY: undefined }],
  ])('should refuse to start in production without a proper %s', (variable, env) => {
    const sut = errorOf(env);
    expect(sut.variable).toBe(variable);
    expect(sut.message).toContain(variable);
    expect(sut.message).not.toContain('\n');
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: '2 weeks' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: '0' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: '0s' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: '-5' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: '99999999999999999999d' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: '3651d' }],
    ['JWT_ACCESS_TTL', { JWT_ACCESS_TTL: '31d' }],
    ['JWT_REFRESH_TTL', { JWT_REFRESH_TTL: '0d' }],
    ['JWT_REFRESH_TTL', { JWT_REFRESH_TTL: '9007199254740993' }],
    ['API_DOCS', { API_DOCS: 'sometimes' }],
    ['MIGRATIONS_RUN', { MIGRATIONS_RUN: 'later' }],
    ['JWT_PREVIOUS_SECRETS', { JWT_PREVIOUS_SECRETS: 'too-short' }],
    ['DATA_ENCRYPTION_PREVIOUS_KEYS', { DATA_ENCRYPTION_PREVIOUS_KEYS: `${'ab'.repeat(32)},nope` }],
    ['JWT_VERIFY_EXPIRATION', { JWT_VERIFY_EXPIRATION: 'maybe' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['EMBEDDED_PG_PORT', { EMBEDDED_PG_PORT: '70000' }],
    ['WECHAT_TIMEOUT_MS', { WECHAT_TIMEOUT_MS: '-5' }],
    ['AUTH_RATE_LIMIT', { AUTH_RATE_LIMIT: '0' }],
    ['DATA_ENCRYPTION_KEY', { DATA_ENCRYPTION_KEY: 'too-short' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'root' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
  ])('should name %s when it is bad', (variable, env) => {
    expect(errorOf(env).variable).toBe(variable);
  });

  it('should read the previous secrets and keys of a rotation', () => {
    const sut = loadConfig({ JWT_PREVIOUS_SECRETS: ` ${'a'.repeat(32)} , ${'b'.repeat(40)} `, DATA_ENCRYPTION_PREVIOUS_KEYS: 'ab'.repeat(32) });
    expect(sut.jwt.previousSecrets).toEqual(['a'.repeat(32), 'b'.repeat(40)]);
    expect(sut.previousDataEncryptionKeys).toEqual([Buffer.from('ab'.repeat(32), 'hex')]);
    expect(loadConfig({}).jwt.previousSecrets).toEqual([]);
    expect(loadConfig({}).migrationsRun).toBe(true);
    expect(loadConfig({ MIGRATIONS_RUN: 'false' }).migrationsRun).toBe(false);
  });

  it('should serve the API docs by default except in production, where API_DOCS turns them on', () => {
    expect(loadConfig({}).apiDocs).toBe(true);
    expect(loadConfig({ API_DOCS: 'false' }).apiDocs).toBe(false);
    expect(loadConfig(PROD).apiDocs).toBe(false);
    expect(loadConfig({ ...PROD, API_DOCS: 'true' }).apiDocs).toBe(true);
  });

  it('should parse durations, booleans and keys', () => {
    const key = 'ab'.repeat(32);
    const sut = loadConfig({ JWT_ACCESS_TTL: '15m', JWT_REFRESH_TTL: '7d', JWT_VERIFY_EXPIRATION: 'false', DATA_ENCRYPTION_KEY: key });
    expect(sut.jwt.accessTtlSeconds).toBe(900);
    expect(sut.jwt.refreshTtlSeconds).toBe(7 * 86400);
    expect(sut.jwt.verifyExpiration).toBe(false);
    expect(sut.dataEncryptionKey.toString('hex')).toBe(key);
    expect(loadConfig({ DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).dataEncryptionKey).toEqual(Buffer.alloc(32, 7));
  });

  it('should derive a data key that is not the JWT secret and depends on it', () => {
    const a = loadConfig({ JWT_SECRET: 'a'.repeat(32) }).dataEncryptionKey;
    const b = loadConfig({ JWT_SECRET: 'b'.repeat(32) }).dataEncryptionKey;
    expect(a).not.toEqual(b);
    expect(a.toString('utf8')).not.toContain('a'.repeat(32));
  });

  it('should treat empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: null });
  });

  it('should treat every variable it reads as unset when empty (docker-compose passes `${VAR:-}`)', () => {
    const variables = configVariables();
    expect(variables).toEqual(expect.arrayContaining(['NODE_ENV', 'DATABASE_URL', 'WECHAT_TIMEOUT_MS', 'GOODS_COUNT_CACHE_SECONDS']));
    expect(loadConfig(Object.fromEntries(variables.map((name) => [name, ''])))).toEqual(loadConfig({}));
  });

  it('should read the port of the embedded PostgreSQL', () => {
    expect(loadConfig({ EMBEDDED_PG_PORT: '41399' }).embeddedPgPort).toBe(41399);
  });
});
