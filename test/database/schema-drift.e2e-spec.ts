import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildDataSourceOptions } from '../../src/database/data-source-options';

/**
 * The migrations and the entities describe the same schema: what `npm run
 * migration:generate` would write for a migrated database is nothing. A column, index,
 * check or foreign key added to one and not the other fails here.
 */
describe('entities and migrations', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(buildDataSourceOptions(inject('databaseUrl'), { poolSize: 1 }));
    await dataSource.initialize();
  });
  afterAll(async () => dataSource.destroy());

  it('should leave nothing for migration:generate to do', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  // TypeORM leaves indexes declared with `synchronize: false` (the GIN and partial ones)
  // out of its diff, so their names are compared here: each one the migrations create is
  // declared on its entity, and each declared one exists.
  it('should declare every index the migrations create, by name', async () => {
    const rows: { tablename: string; indexname: string }[] = await dataSource.query(
      `SELECT i.tablename, i.indexname
         FROM pg_indexes i
        WHERE i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u', 'x'))`,
    );
    const inDatabase = rows
      .filter((r) => dataSource.entityMetadatas.some((m) => m.tableName === r.tablename))
      .map((r) => `${r.tablename}.${r.indexname}`)
      .sort();
    const declared = dataSource.entityMetadatas
      .flatMap((m) => m.indices.map((i) => `${m.tableName}.${i.name}`))
      .sort();
    expect(inDatabase).toEqual(declared);
  });

  it('should have no pending migration', async () => {
    await expect(dataSource.showMigrations()).resolves.toBe(false);
  });
});
