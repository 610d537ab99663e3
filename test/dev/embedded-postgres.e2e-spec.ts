import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgres } from '../../src/dev/embedded-postgres';

async function select(url: string, sql: string): Promise<any[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe(EmbeddedPostgres.name, () => {
  const baseDir = mkdtempSync(join(tmpdir(), 'wxmall-embedded-'));
  const sut = new EmbeddedPostgres({ baseDir, port: 54359, database: 'wxmall_embedded' });
  const pidFile = join(baseDir, 'pgdata', 'postmaster.pid');

  afterAll(async () => {
    await sut.stop();
    rmSync(baseDir, { recursive: true, force: true });
  });

  it('should initialise a UTF-8, C-locale cluster with a password and keep data across restarts', async () => {
    const url = await sut.start();
    expect(url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:54359\/wxmall_embedded$/);
    const [settings] = await select(url, `SELECT current_setting('server_encoding') AS enc, datcollate AS coll FROM pg_database WHERE datname = current_database()`);
    expect(settings).toEqual({ enc: 'UTF8', coll: 'C' });
    await select(url, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')`);
    await expect(select(url.replace(/:[^:@]+@/, ':wrong@'), 'SELECT 1')).rejects.toThrow(/password/);

    await sut.stop();
    const again = await sut.start();
    expect(again).toBe(url);
    expect(await select(again, 'SELECT v FROM kept')).toEqual([{ v: 'survives' }]);
  });

  it('should start after a killed run left a stale postmaster.pid behind', async () => {
    const url = await sut.start();
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    // SIGKILL: no shutdown, the pid file stays.
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => isAlive(pid), { timeout: 10_000, interval: 50 }).toBe(false);
    expect(readFileSync(pidFile, 'utf8')).toContain(String(pid));

    const restarted = await sut.start();
    expect(restarted).toBe(url);
    expect(await select(restarted, 'SELECT v FROM kept')).toEqual([{ v: 'survives' }]);
  });

  it('should start when the stale pid file names a live process that is not postgres', async () => {
    await sut.stop();
    // A pid reused by another process (here: this test runner) must not block the start.
    const lines = readFileSync(join(baseDir, 'pgdata', 'postmaster.opts'), 'utf8');
    expect(lines).toContain('postgres');
    writeFileSync(pidFile, `${process.pid}\n${join(baseDir, 'pgdata')}\n0\n54359\n\n127.0.0.1\n0 0\nready\n`);
    const url = await sut.start();
    expect(await select(url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('should stop a server that an earlier, killed run of ours left running', async () => {
    const url = await sut.start();
    // A new manager for the same folder (as after `kill -9` of the app: the server survives it).
    const next = new EmbeddedPostgres({ baseDir, port: 54359, database: 'wxmall_embedded' });
    const url2 = await next.start();
    expect(url2).toBe(url);
    expect(await select(url2, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await next.stop();
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie still answers kill(0): look at its state
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)]).toString().trim();
    return stat !== '' && !stat.startsWith('Z');
  } catch {
    return false;
  }
}
