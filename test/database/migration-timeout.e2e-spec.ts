import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { migrateUnderLock } from '../../src/database/migrator';

/** A migration that takes longer than the app's per-query timeout, as rewriting a big table does. */
class SlowMigration1700000000001 implements MigrationInterface {
  name = 'SlowMigration1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('SELECT pg_sleep(0.6)');
  }
  async down(): Promise<void> {}
}

describe('migrations on a big table', () => {
  const table = `migrations_timeout_test_${process.pid}`;
  const options = buildDataSourceOptions(inject('databaseUrl'), { poolSize: 2 });
  // The app's pool, with a request timeout shorter than the migration (the app's is 30 s).
  const app = new DataSource({
    ...options,
    migrations: [SlowMigration1700000000001],
    migrationsTableName: table,
    extra: { ...(options.extra as object), query_timeout: 300 },
  } as typeof options);
  afterAll(async () => {
    if (app.isInitialized) {
      await app.query(`DROP TABLE IF EXISTS "${table}"`);
      await app.destroy();
    }
  });

  it('should not be cut off by the per-query timeout meant for requests', async () => {
    await app.initialize();
    // The app's own connections do time out on such a statement…
    await expect(app.query('SELECT pg_sleep(0.6)')).rejects.toThrow(/timeout/i);
    // …the migration, run by migrateUnderLock on connections of its own, completes.
    expect(await migrateUnderLock(app.options)).toEqual(['SlowMigration1700000000001']);
    expect(await app.query(`SELECT name FROM "${table}"`)).toEqual([{ name: 'SlowMigration1700000000001' }]);
  });
});
