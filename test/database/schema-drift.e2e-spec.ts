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

  it('should have no pending migration', async () => {
    await expect(dataSource.showMigrations()).resolves.toBe(false);
  });
});
