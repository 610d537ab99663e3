import { Logger } from '@nestjs/common';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * One session-level advisory lock for every process that migrates (`cli migrate`, and each
 * instance at start with MIGRATIONS_RUN=true): TypeORM takes none (typeorm#4588), so
 * instances starting together on a new schema would race. Whoever holds it applies what is
 * pending; the others wait, then find nothing left to do.
 */
const MIGRATION_LOCK = `hashtext('wxmall.migrations')`;

/**
 * Applies the pending migrations under the lock, each in its own transaction; returns the names
 * applied. They run on connections of their own (a DataSource made from the app's options), without the app's per-query timeout
 * (`query_timeout`, 30 s): a migration that rewrites or indexes a big table (goods at a million
 * rows: 20–50 s) must not be cut off half-way by a timeout meant for requests.
 */
export async function migrateUnderLock(appOptions: DataSourceOptions, logger = new Logger('Migrations')): Promise<string[]> {
  const options = appOptions as DataSourceOptions & { extra?: Record<string, unknown> };
  const { query_timeout: _requestsOnly, ...extra } = options.extra ?? {};
  const dataSource = await new DataSource({ ...options, poolSize: 2, extra } as DataSourceOptions).initialize();
  try {
    return await migrateWith(dataSource, logger);
  } finally {
    await dataSource.destroy();
  }
}

async function migrateWith(dataSource: DataSource, logger: Logger): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }]: { locked: boolean }[] = await runner.query(`SELECT pg_try_advisory_lock(${MIGRATION_LOCK}) AS locked`);
    if (!locked) {
      // Said plainly: the wait that follows is another instance at work, not a database problem.
      logger.log('another instance is applying the migrations: waiting for it to finish');
      await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
      logger.log('the other instance finished its migrations: going on');
    }
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await runner.release();
  }
}

/** The migrations this build knows that the database has not applied (read-only: a missing table means all). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const known = MIGRATIONS.map((m) => new m().name ?? m.name);
  const [{ exists }]: { exists: boolean }[] = await dataSource.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS exists`);
  if (!exists) return known;
  const rows: { name: string }[] = await dataSource.query(`SELECT name FROM migrations`);
  const applied = new Set(rows.map((r) => r.name));
  return known.filter((name) => !applied.has(name));
}
