import { resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { TestProject } from 'vitest/node';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { EmbeddedPostgres } from '../../src/dev/embedded-postgres';
import { ensureDatabase } from '../../src/database/ensure-database';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** The tests' own embedded PostgreSQL: another port and data folder than `npm start`'s. */
const TEST_PG_PORT = 54339;

/**
 * Once per run: a database the tests may wipe (TEST_DATABASE_URL, else an embedded one),
 * wiped, then migrated. Never the development database.
 */
export default async function setup(project: TestProject) {
  let url = process.env.TEST_DATABASE_URL;
  let embedded: EmbeddedPostgres | null = null;
  if (!url) {
    embedded = new EmbeddedPostgres({ baseDir: resolve(process.cwd(), '.data', 'test-postgres'), port: TEST_PG_PORT, database: 'wxmall_test' });
    url = await embedded.start();
  } else {
    await ensureDatabase(url);
  }

  const wipe = new Client({ connectionString: url });
  await wipe.connect();
  await wipe.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  await wipe.end();

  const dataSource = new DataSource(buildDataSourceOptions(url, { poolSize: 2, applicationName: 'wxmall-test-setup' }));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();

  project.provide('databaseUrl', url);
  return async () => {
    await embedded?.stop();
  };
}

