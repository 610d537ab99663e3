import { Client } from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { ensureDatabase } from '../../src/database/ensure-database';

/**
 * A database of this test file's own, empty (no schema) at the start and dropped at the end:
 * `<test database>_<suffix>`. `admin` is a connection to the shared test database, to watch
 * the other one's backends. Hooks registered after this call run inside its lifetime.
 */
export function useOwnDatabase(suffix: string): { url: string; name: string; admin: Client } {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `${url.pathname}_${suffix}`;
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new Client({ connectionString: inject('databaseUrl') });
  const drop = () => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  beforeAll(async () => {
    await admin.connect();
    await drop();
    await ensureDatabase(url.toString());
  });
  afterAll(async () => {
    await drop();
    await admin.end();
  });
  return { url: url.toString(), name, admin };
}
