import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import type { TestApp } from './test-app';

/**
 * A connection of its own (not the app's pool) that plays "another request in the middle of
 * its transaction": it takes row locks, the test fires requests at them, then it lets go.
 */
export async function openLockHolder(t: TestApp): Promise<Client> {
  const client = new Client({ connectionString: t.config.databaseUrl!, application_name: 'wxmall-test-lock-holder' });
  await client.connect();
  return client;
}

/** How many other backends of this database are waiting for a lock right now. */
export async function lockWaiters(client: Client): Promise<number> {
  // pg_stat_activity is a snapshot kept for the whole transaction, and the holder asks from
  // inside one: drop it so backends that connected since are seen.
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(DISTINCT l.pid)::int AS n
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND a.datname = current_database() AND l.pid <> pg_backend_pid()`,
  );
  return rows[0].n;
}

/** Resolves once at least `count` backends wait for a lock; rejects after `timeoutMs`. */
export async function waitForLockWaiters(client: Client, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await lockWaiters(client)) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} backends ever waited for a lock`);
    await delay(10);
  }
}

/**
 * Settles with `pending`'s answer, or with 'waiting' as soon as some backend waits for a
 * lock before it has answered (a request queued behind the test's lock instead of failing
 * fast).
 */
export async function answerOrLockWait<T>(client: Client, pending: Promise<T>): Promise<T | 'waiting'> {
  let settled = false;
  const done = pending.finally(() => {
    settled = true;
  });
  const watch = (async () => {
    while (!settled) {
      if ((await lockWaiters(client)) > 0) return 'waiting' as const;
      await delay(10);
    }
    return done;
  })();
  return Promise.race([done, watch]);
}
