import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { PG_TYPES } from './timestamps';

/**
 * How long a request waits for a connection (a new one, or a free one from the pool) before
 * it fails, and answers 503 DATABASE_UNAVAILABLE: short, so an unreachable PostgreSQL makes
 * requests fail fast rather than pile up.
 */
export const DATABASE_CONNECT_TIMEOUT_MS = 2_000;

/** The one options function shared by the app (TypeOrmModule), the TypeORM CLI (ormconfig.ts) and the tests. */
export function buildDataSourceOptions(url: string, overrides: { poolSize?: number; applicationName?: string } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Schema changes only ever go through migrations.
    synchronize: false,
    migrationsRun: false,
    // Our migrations use PostgreSQL's built-in gen_random_uuid(): no extension to install
    // (managed databases often forbid CREATE EXTENSION), and generated migrations use it too.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    logging: false,
    poolSize: overrides.poolSize ?? 10,
    applicationName: overrides.applicationName ?? 'wxmall-api',
    extra: { connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS, query_timeout: 30000, types: PG_TYPES },
  };
}
