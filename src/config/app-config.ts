import type { Timeouts } from './timeouts';
import type { AdminConsoleConfig } from './admin-console-config';
import type { MediaConfig } from './media-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

export type NodeEnv = 'development' | 'production' | 'test';

/** The typed, validated configuration. Built once at boot by `loadConfig`; nothing else reads `process.env`. */
export interface AppConfig {
  env: NodeEnv;
  port: number;
  /** null until resolved: main.ts starts the embedded PostgreSQL when it is unset. */
  databaseUrl: string | null;
  /** DATABASE_REPLICA_URLS: goods lists and searches read from these, in turn (see ReadPools). */
  databaseReplicaUrls: string[];
  /** Connections of each catalogue read pool (one pool per planner setting and database). */
  readPoolSize: number;
  /** Port of the embedded PostgreSQL started when databaseUrl is unset (EMBEDDED_PG_PORT). */
  embeddedPgPort: number;
  jwt: {
    secret: string;
    /** JWT_PREVIOUS_SECRETS: still accepted for verifying access tokens (by their `kid`), never for signing. */
    previousSecrets: string[];
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    verifyExpiration: boolean;
    usingDevSecret: boolean;
  };
  wechat: {
    /** null: serve logins from the built-in development fake of WeChat. */
    appid: string | null;
    secret: string | null;
    apiBase: string;
    timeoutMs: number;
  };
  authRateLimit: number;
  /** 32 bytes; AES-256-GCM key for data at rest (session_key). */
  dataEncryptionKey: Buffer;
  /** DATA_ENCRYPTION_PREVIOUS_KEYS: still accepted for opening sealed data; writes always seal with dataEncryptionKey. */
  previousDataEncryptionKeys: Buffer[];
  admin: { username: string; password: string } | null;
  /**
   * Which X-Forwarded-For entries are believed (TRUST_PROXY): 0 none (the socket's address is
   * the client), a number of proxies in a row, or the addresses/CIDRs of the trusted proxies.
   */
  trustProxy: number | string[];
  corsOrigins: string[];
  redisUrl: string | null;
  /** Prefix of every Redis key (REDIS_KEY_PREFIX), so apps or test runs can share one Redis. */
  redisKeyPrefix: string;
  logLevel: string;
  /** How long a goods filter seen matching more than 10,000 rows skips its count (GOODS_COUNT_CACHE_SECONDS; 0: never). */
  goodsCountCacheSeconds: number;
  /** Serve Swagger UI at /docs and the OpenAPI document at /docs-json (API_DOCS; off in production unless set). */
  apiDocs: boolean;
  /**
   * MIGRATIONS_RUN: apply pending migrations at start, under the migration lock (default). When
   * false only `cli migrate` applies them, and an instance whose schema is behind is not ready.
   */
  migrationsRun: boolean;
  /** Bounds of the HTTP server and of the waits on PostgreSQL and Redis (fixed, not read from the environment). */
  timeouts: Timeouts;
  /** The staff console at /admin (ADMIN_CONSOLE). */
  adminConsole: AdminConsoleConfig;
  /** Uploads and their storage (src/config/media-config.ts). */
  media: MediaConfig;
}
