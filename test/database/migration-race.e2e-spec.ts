import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/database/migrations';
import { waitForLockWaiters } from '../support/locks';
import { useOwnDatabase } from '../support/own-database';
import { startTestApp } from '../support/test-app';

/** The lock of src/database/migrator.ts, as another instance would hold it while it migrates. */
const MIGRATION_LOCK = `hashtext('wxmall.migrations')`;

/**
 * An instance that starts while another one applies the migrations of a new schema waits for
 * it and says so plainly, instead of failing and retrying with a line that reads like a
 * lost database. (This file's app is its only one, so it owns the process's log stream.)
 */
describe('an instance starting while another one migrates', () => {
  // A database of this file's own, with no schema yet: the app has every migration to apply.
  const { url: freshUrl } = useOwnDatabase('migration_race');
  const other = new Client({ connectionString: freshUrl, application_name: 'wxmall-test-other-instance' });
  beforeAll(async () => other.connect());
  afterAll(async () => other.end().catch(() => undefined));

  it('should wait for the migration lock with a plain log line, then start with each migration applied once', async () => {
    const lines: string[] = [];
    await other.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    const starting = startTestApp({
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void lines.push(line) },
      configure: (config) => {
        config.databaseUrl = freshUrl;
      },
    });
    starting.catch(() => undefined);
    try {
      await waitForLockWaiters(other, 1, 20_000);
    } finally {
      await other.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
    const t = await starting;
    try {
      expect((await t.request('GET', '/api/health')).status).toBe(200);
      const { rows } = await other.query<{ name: string; n: number }>('SELECT name, count(*)::int AS n FROM migrations GROUP BY name');
      expect(rows).toHaveLength(MIGRATIONS.length);
      expect(rows.every((r) => r.n === 1)).toBe(true);

      const messages = lines.map((l) => JSON.parse(l) as { msg: string; context?: string; level: string });
      expect(messages.filter((m) => m.context === 'Migrations').map((m) => [m.level, m.msg])).toEqual([
        ['info', 'another instance is applying the migrations: waiting for it to finish'],
        ['info', 'the other instance finished its migrations: going on'],
      ]);
      expect(lines.join('\n')).not.toMatch(/Unable to connect|Retrying/);
    } finally {
      await t.close();
    }
  });
});
