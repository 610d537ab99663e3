import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * One session-level advisory lock for every process that migrates (`cli migrate`, and each
 * instance at start with MIGRATIONS_RUN=true): TypeORM takes none (typeorm#4588), so
 * instances starting together on a new schema would race. Whoever holds it applies what is
 * pending; the others wait, then find nothing left to do.
 */
const MIGRATION_LOCK = `hashtext('wxmall.migrations')`;

/** Applies the pending migrations under the lock, each in its own transaction; returns the names applied. */
export async function migrateUnderLock(dataSource: DataSource, logger = new Logger('Migrations')): Promise<string[]> {
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
