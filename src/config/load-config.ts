import { hkdfSync } from 'node:crypto';
import { isIP } from 'node:net';
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  getMetadataStorage,
  validateSync,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ADMIN_CONSOLE_VARIABLES, loadAdminConsoleConfig } from './admin-console-config';
import { AppConfig, NodeEnv } from './app-config';
import { parseDuration } from './duration';
import { defaultTimeouts } from './timeouts';
import { loadMediaConfig, mediaConfigVariables } from './media-config';

/** Thrown when a setting is missing or bad; main.ts prints its one-line message and exits 1. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Configuration error: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

const DURATION = /^\s*\d+\s*[smhd]?\s*$/;
/** The longest lifetime accepted (10 years): anything longer is a typo, and its `exp` would not be a date. */
const MAX_LIFETIME_SECONDS = 3650 * 86400;
const BOOLEAN = /^(true|false|1|0|yes|no)$/i;
const URL_HTTP = /^https?:\/\/[^\s]+$/;
const PG_URL = /^postgres(ql)?:\/\/[^\s]+$/;

/** The environment as the app accepts it. Every variable the app reads is declared here. */
class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @Matches(PG_URL, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  EMBEDDED_PG_PORT?: number;

  @IsOptional() @IsString() @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional() @Matches(DURATION, { message: 'must be seconds or a duration like 15m, 2h, 7d' })
  JWT_ACCESS_TTL?: string;

  @IsOptional() @Matches(DURATION, { message: 'must be seconds or a duration like 15m, 2h, 7d' })
  JWT_REFRESH_TTL?: string;

  @IsOptional() @Matches(BOOLEAN, { message: 'must be true or false' })
  JWT_VERIFY_EXPIRATION?: string;

  @IsOptional() @IsString() @Matches(/^\S{1,64}$/, { message: 'must be the mini program AppID' })
  WECHAT_APPID?: string;

  @IsOptional() @IsString() @MinLength(1)
  WECHAT_SECRET?: string;

  @IsOptional() @Matches(URL_HTTP, { message: 'must be an http(s) URL' })
  WECHAT_API_BASE?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(100) @Max(60000)
  WECHAT_TIMEOUT_MS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000)
  AUTH_RATE_LIMIT?: number;

  @IsOptional() @IsString()
  DATA_ENCRYPTION_KEY?: string;

  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.@-]{3,64}$/, { message: 'must be 3-64 letters, digits or _.@-' })
  ADMIN_USERNAME?: string;

  @IsOptional() @IsString() @MinLength(8, { message: 'must be at least 8 characters' }) @MaxLength(256)
  ADMIN_PASSWORD?: string;

  @IsOptional() @IsString()
  TRUST_PROXY?: string;

  @IsOptional() @IsString()
  CORS_ORIGINS?: string;

  @IsOptional() @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// URL' })
  REDIS_URL?: string;

  @IsOptional() @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be 1-64 letters, digits or _.:-' })
  REDIS_KEY_PREFIX?: string;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(3600)
  GOODS_COUNT_CACHE_SECONDS?: number;

  @IsOptional() @Matches(BOOLEAN, { message: 'must be true or false' })
  API_DOCS?: string;

  @IsOptional() @Matches(BOOLEAN, { message: 'must be true or false' })
  MIGRATIONS_RUN?: string;

  @IsOptional() @IsString()
  JWT_PREVIOUS_SECRETS?: string;

  @IsOptional() @IsString()
  DATABASE_REPLICA_URLS?: string;

  @IsOptional() @IsString()
  DATA_ENCRYPTION_PREVIOUS_KEYS?: string;
}

/** Every variable loadConfig reads: the properties declared on EnvironmentVariables. */
export function configVariables(): string[] {
  const declared = getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false);
  return [...new Set([...declared.map((m) => m.propertyName), ...ADMIN_CONSOLE_VARIABLES, ...mediaConfigVariables()])];
}

/** Settings of the embedded PostgreSQL, which production refuses: a container has no use for them. */
export const DEVELOPMENT_ONLY_VARIABLES: readonly string[] = ['EMBEDDED_PG_PORT'];

/** Where `npm start` runs its embedded PostgreSQL when DATABASE_URL is unset (5432 is left to a real one). */
const DEFAULT_EMBEDDED_PG_PORT = 54329;

/** Known only so the app can refuse it in production, and so tests can assert on it. */
export const DEV_JWT_SECRET = 'wxmall-dev-only-jwt-secret-do-not-use-in-production';

function parseBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return /^(true|1|yes)$/i.test(value);
}

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: `false` (none), `true` (one proxy: the load balancer), a number of proxies in
 * a row, or the proxies' addresses/CIDRs (`10.0.0.0/8,loopback`), the safest: then only an
 * X-Forwarded-For from those addresses is believed.
 */
function parseTrustProxy(value: string | undefined): number | string[] {
  if (value === undefined || /^(false|0|no)$/i.test(value)) return 0;
  if (/^(true|yes)$/i.test(value)) return 1;
  if (/^\d+$/.test(value) && Number(value) <= 10) return Number(value);
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  const valid = (entry: string) => {
    if (PROXY_RANGE_NAMES.has(entry)) return true;
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address);
    if (!family || rest.length > 0) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  };
  if (entries.length === 0 || !entries.every(valid)) {
    throw new ConfigError('TRUST_PROXY', 'must be true, false, a number of proxies (1-10), or proxy addresses/CIDRs separated by commas');
  }
  return entries;
}

/** A comma-separated setting as its non-empty entries. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
}

function parseKey(raw: string): Buffer | null {
  const trimmed = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const buf = Buffer.from(trimmed, 'base64');
    if (buf.length === 32) return buf;
  }
  return null;
}

/** A lifetime in seconds: more than zero and at most ten years, or the start stops naming the variable. */
function lifetime(variable: string, value: string): number {
  const seconds = parseDuration(value);
  if (seconds === null || seconds > MAX_LIFETIME_SECONDS) {
    throw new ConfigError(variable, 'must be a lifetime greater than 0 and at most 3650d, in seconds or like 15m, 2h, 7d');
  }
  return seconds;
}

/** Reads, validates and types the configuration once. Throws ConfigError naming the first bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings count as unset, as they do in docker-compose files and .env templates.
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== '') env[key] = value;
  }
  const vars = plainToInstance(EnvironmentVariables, env, { excludeExtraneousValues: false });
  const errors = validateSync(vars, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const first = errors[0];
    const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigError(first.property, message.replace(new RegExp(`^${first.property}\\s*`), '').trim());
  }

  const nodeEnv = (vars.NODE_ENV ?? 'development') as NodeEnv;
  const production = nodeEnv === 'production';
  const refuse = (variable: string, what: string) => {
    throw new ConfigError(variable, `is required when NODE_ENV=production (${what})`);
  };

  if (production && !vars.JWT_SECRET) refuse('JWT_SECRET', 'at least 32 characters');
  if (production && !vars.DATABASE_URL) refuse('DATABASE_URL', 'the embedded PostgreSQL is for development only');
  if (production && !vars.WECHAT_APPID) refuse('WECHAT_APPID', 'the fake WeChat is for development only');
  // Its own key: a leaked JWT secret must not also open the data, and rotating the JWT secret must not make it unreadable.
  if (production && !vars.DATA_ENCRYPTION_KEY) refuse('DATA_ENCRYPTION_KEY', '32 bytes as 64 hex characters or base64, separate from JWT_SECRET');
  if (vars.WECHAT_APPID && !vars.WECHAT_SECRET) {
    throw new ConfigError('WECHAT_SECRET', 'is required when WECHAT_APPID is set');
  }
  if (production && vars.JWT_SECRET === DEV_JWT_SECRET) {
    throw new ConfigError('JWT_SECRET', 'must not be the development default when NODE_ENV=production');
  }
  if (Boolean(vars.ADMIN_USERNAME) !== Boolean(vars.ADMIN_PASSWORD)) {
    throw new ConfigError(vars.ADMIN_USERNAME ? 'ADMIN_PASSWORD' : 'ADMIN_USERNAME', 'must be set together with the other');
  }

  const accessTtlSeconds = lifetime('JWT_ACCESS_TTL', vars.JWT_ACCESS_TTL ?? '2h');
  const refreshTtlSeconds = lifetime('JWT_REFRESH_TTL', vars.JWT_REFRESH_TTL ?? '30d');
  if (accessTtlSeconds > refreshTtlSeconds) {
    throw new ConfigError('JWT_ACCESS_TTL', 'must not be longer than JWT_REFRESH_TTL (an access token never outlives its session)');
  }

  const jwtSecret = vars.JWT_SECRET ?? DEV_JWT_SECRET;
  let dataEncryptionKey: Buffer;
  if (vars.DATA_ENCRYPTION_KEY) {
    const key = parseKey(vars.DATA_ENCRYPTION_KEY);
    if (!key) throw new ConfigError('DATA_ENCRYPTION_KEY', 'must be 32 bytes, as 64 hex characters or base64');
    dataEncryptionKey = key;
  } else {
    // A separate key for data at rest, derived so that it is never the JWT secret itself (RFC 5869).
    dataEncryptionKey = Buffer.from(hkdfSync('sha256', jwtSecret, 'wxmall-api', 'data-encryption-key v1', 32));
  }
  const previousDataEncryptionKeys = list(vars.DATA_ENCRYPTION_PREVIOUS_KEYS).map((raw) => {
    const key = parseKey(raw);
    if (!key) throw new ConfigError('DATA_ENCRYPTION_PREVIOUS_KEYS', 'must be 32-byte keys (64 hex characters or base64) separated by commas');
    return key;
  });
  const databaseReplicaUrls = list(vars.DATABASE_REPLICA_URLS);
  if (databaseReplicaUrls.some((url) => !PG_URL.test(url))) {
    throw new ConfigError('DATABASE_REPLICA_URLS', 'must be postgres:// URLs separated by commas');
  }
  const previousJwtSecrets = list(vars.JWT_PREVIOUS_SECRETS);
  if (previousJwtSecrets.some((secret) => secret.length < 32)) {
    throw new ConfigError('JWT_PREVIOUS_SECRETS', 'must be secrets of at least 32 characters separated by commas');
  }

  return {
    env: nodeEnv,
    port: vars.PORT ?? 3000,
    databaseUrl: vars.DATABASE_URL ?? null,
    databaseReplicaUrls,
    readPoolSize: 5,
    embeddedPgPort: vars.EMBEDDED_PG_PORT ?? DEFAULT_EMBEDDED_PG_PORT,
    jwt: {
      secret: jwtSecret,
      previousSecrets: previousJwtSecrets,
      accessTtlSeconds,
      refreshTtlSeconds,
      verifyExpiration: parseBool(vars.JWT_VERIFY_EXPIRATION, true),
      usingDevSecret: !vars.JWT_SECRET,
    },
    wechat: {
      appid: vars.WECHAT_APPID ?? null,
      secret: vars.WECHAT_SECRET ?? null,
      apiBase: (vars.WECHAT_API_BASE ?? 'https://api.weixin.qq.com').replace(/\/+$/, ''),
      timeoutMs: vars.WECHAT_TIMEOUT_MS ?? 5000,
    },
    authRateLimit: vars.AUTH_RATE_LIMIT ?? 60,
    dataEncryptionKey,
    previousDataEncryptionKeys,
    admin: vars.ADMIN_USERNAME && vars.ADMIN_PASSWORD ? { username: vars.ADMIN_USERNAME, password: vars.ADMIN_PASSWORD } : null,
    trustProxy: parseTrustProxy(vars.TRUST_PROXY),
    corsOrigins: (vars.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    redisUrl: vars.REDIS_URL ?? null,
    redisKeyPrefix: vars.REDIS_KEY_PREFIX ?? 'wxmall:',
    logLevel: vars.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    goodsCountCacheSeconds: vars.GOODS_COUNT_CACHE_SECONDS ?? 10,
    apiDocs: parseBool(vars.API_DOCS, !production),
    migrationsRun: parseBool(vars.MIGRATIONS_RUN, true),
    timeouts: defaultTimeouts(),
    adminConsole: loadAdminConsoleConfig(env, (variable, reason) => {
      throw new ConfigError(variable, reason);
    }),
    media: loadMediaConfig(env),
  };
}

/**
 * The operator CLI's settings (`npm run cli -- create-admin <username>`): the app's
 * configuration, without the start-up admin (the CLI creates the one it is told to),
 * plus ADMIN_PASSWORD on its own as the new account's password (null: prompt for it).
 */
export function loadCliConfig(source: Record<string, string | undefined> = process.env): { config: AppConfig; adminPassword: string | null } {
  const { ADMIN_USERNAME: _username, ADMIN_PASSWORD: password, ...rest } = source;
  const config = loadConfig(rest);
  if (password === undefined || password === '') return { config, adminPassword: null };
  if (password.length < 8 || password.length > 256) throw new ConfigError('ADMIN_PASSWORD', 'must be 8 to 256 characters');
  return { config, adminPassword: password };
}
