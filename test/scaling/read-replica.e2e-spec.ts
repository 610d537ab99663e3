import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAccount, TestAccount } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { postgresBindir, StreamingPair } from '../support/streaming-replica';

const BINDIR = postgresBindir();

/**
 * DATABASE_REPLICA_URLS against a real streaming replica: a primary and a replica of the
 * test's own (src/database/read-pools.ts sends goods lists and searches to the replicas, the
 * rest to the primary). Which server answered is told by what it holds: replay on the replica
 * is paused, so a product written since is on the primary only. (The app runs in the test's
 * process: the claim is about which server a query reaches, not about processes.)
 */
describe.skipIf(!BINDIR)(`read replicas${BINDIR ? '' : ' (skipped: no `pg_config --bindir` with initdb, pg_ctl and pg_basebackup on this machine)'}`, () => {
  const pair = new StreamingPair(BINDIR ?? '');
  let t: TestApp;
  let staff: TestAccount;
  /** The app's log (this file's app is its only one, so it owns the process's log stream). */
  const logLines: string[] = [];
  const replicaWarnings = () => logLines.filter((l) => l.includes('"context":"ReadPools"') && l.includes('did not answer'));

  beforeAll(async () => {
    try {
      await pair.start();
      t = await startTestApp({
        env: { LOG_LEVEL: 'warn' },
        logDestination: { write: (line: string) => void logLines.push(line) },
        configure: (config) => {
          config.databaseUrl = pair.primaryUrl;
          config.databaseReplicaUrls = [pair.replicaUrl];
        },
      });
    } catch (err) {
      await pair.stop();
      throw err;
    }
    // The app migrated the primary at start; the replica has the schema once it has replayed that.
    await pair.waitForReplica(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'goods'`);
    staff = await signInAccount(t, 'staff');
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await pair.stop();
  }, 60_000);

  const list = (query = '') => t.request('GET', `/api/goods?pageSize=50${query}`, { token: staff.token });
  const names = async (query = '') => {
    const res = await list(query);
    expect(res.status).toBe(200);
    return (res.body.items as { name: string }[]).map((g) => g.name);
  };
  /** Sessions of the read pools on the replica, as its pg_stat_activity shows them. */
  const readSessionsOnReplica = async () =>
    (await pair.onReplica<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'wxmall-api-reads'`))[0].n;

  it('should list and search from the replica, and read a product right after its write from the primary', async () => {
    const created = await t.request('POST', '/api/goods', { token: staff.token, body: { name: 'replicated apple', price: 3.5 } });
    expect(created.status).toBe(201);
    await pair.waitForReplica(`SELECT 1 FROM goods WHERE name = 'replicated apple'`);
    expect(await names()).toEqual(['replicated apple']);
    expect(await names('&search=apple')).toEqual(['replicated apple']);
    expect(await readSessionsOnReplica()).toBeGreaterThan(0);

    // From here the replica stops replaying: what is written now is on the primary only.
    await pair.onReplica('SELECT pg_wal_replay_pause()');
    try {
      const fresh = await t.request('POST', '/api/goods', { token: staff.token, body: { name: 'fresh pear', price: 2 } });
      expect(fresh.status).toBe(201);
      // The product by id right after its write: the primary's.
      const byId = await t.request('GET', `/api/goods/${fresh.body.id}`, { token: staff.token });
      expect(byId.status).toBe(200);
      expect(byId.body).toMatchObject({ id: fresh.body.id, name: 'fresh pear', version: 1 });
      // A change, read back at once: the new name, version 2.
      const renamed = await t.request('PATCH', `/api/goods/${created.body.id}`, { token: staff.token, body: { name: 'renamed apple' } });
      expect(renamed.status).toBe(200);
      expect((await t.request('GET', `/api/goods/${created.body.id}`, { token: staff.token })).body).toMatchObject({ name: 'renamed apple', version: 2 });

      // Lists and searches (their counts too) come from the replica, which has neither write yet.
      expect(await names()).toEqual(['replicated apple']);
      expect((await list()).body).toMatchObject({ total: 1, totalExact: true });
      expect(await names('&search=pear')).toEqual([]);
      expect(await names('&search=apple')).toEqual(['replicated apple']);
    } finally {
      await pair.onReplica('SELECT pg_wal_replay_resume()');
    }
    // Replay resumed: the list catches up (replication lag, nothing cached by the app).
    await pair.waitForReplica(`SELECT 1 FROM goods WHERE name = 'fresh pear'`);
    await pair.waitForReplica(`SELECT 1 FROM goods WHERE name = 'renamed apple'`);
    expect((await names()).sort()).toEqual(['fresh pear', 'renamed apple']);
  });

  it('should serve lists from the primary while the replica is down', async () => {
    await pair.onReplica('SELECT pg_wal_replay_pause()');
    const onlyOnPrimary = await t.request('POST', '/api/goods', { token: staff.token, body: { name: 'primary plum', price: 1 } });
    expect(onlyOnPrimary.status).toBe(201);
    expect(await names('&search=plum')).toEqual([]); // the paused replica answers

    await pair.stopReplica();
    // The app's time stands still from here but for advance(): the requests below take real
    // time, and on a slow machine that alone could carry 4.9 s past the 5 s pause.
    t.clock.hold();
    try {
      // Every list answers, from the primary (it has the plum), the first one included.
      expect(await names('&search=plum')).toEqual(['primary plum']);
      // That first one found the replica down (its page and its count, read at once, may both
      // have tried it); for the next 5 s the replica is not tried again.
      const warned = replicaWarnings();
      expect(warned.length).toBeGreaterThan(0);
      expect(warned[0]).toContain('read replica #1 did not answer (ECONNREFUSED); reading elsewhere for 5 s');
      for (let i = 0; i < 4; i++) expect(await names('&search=plum')).toEqual(['primary plum']);
      expect(await names()).toContain('primary plum');
      t.clock.advance(4_900);
      expect(await names('&search=plum')).toEqual(['primary plum']);
      expect(replicaWarnings()).toHaveLength(warned.length);
      // After them it is tried again (and, still down, left out again).
      t.clock.advance(100);
      expect(await names('&search=plum')).toEqual(['primary plum']);
      expect(replicaWarnings().length).toBeGreaterThan(warned.length);
    } finally {
      t.clock.release();
    }
  });
});
