import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

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
    extra: { connectionTimeoutMillis: 5000, query_timeout: 30000 },
  };
}
