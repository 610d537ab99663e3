import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './processes';

/** The PostgreSQL server binaries of this machine (`pg_config --bindir`), or null where there are none. */
export function postgresBindir(): string | null {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return ['initdb', 'pg_ctl', 'pg_basebackup'].every((bin) => existsSync(join(dir, bin))) ? dir : null;
  } catch {
    return null;
  }
}

/** PostgreSQL refuses to run as root: as root, its binaries run as the `postgres` user. */
function runAs(): { uid?: number; gid?: number } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

/**
 * A primary and a streaming replica of its own (the machine's PostgreSQL accepts no
 * replication connections): `initdb` with `wal_level=replica` and trust on 127.0.0.1
 * (replication included), `pg_basebackup -R` for the replica, each on a spare port, data in a
 * temporary folder. `stop()` stops both and removes the folder; call it even when a test failed.
 */
export class StreamingPair {
  private dir = '';
  private readonly user = runAs();
  private readonly running = new Set<string>();
  primaryPort = 0;
  replicaPort = 0;

  constructor(
    private readonly bindir: string,
    readonly database = 'wxmall',
  ) {}

  get primaryUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.primaryPort}/${this.database}`;
  }

  get replicaUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.replicaPort}/${this.database}`;
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'wxmall-replica-'));
    if (this.user.uid !== undefined) chownSync(this.dir, this.user.uid, this.user.gid!);
    const primary = join(this.dir, 'primary');
    const replica = join(this.dir, 'replica');
    this.primaryPort = await freePort();
    this.replicaPort = await freePort();

    await this.run('initdb', ['-D', primary, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    // initdb with --auth=trust already admits replication connections from 127.0.0.1; said here so it does not depend on that.
    appendFileSync(join(primary, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
    appendFileSync(
      join(primary, 'postgresql.conf'),
      [
        '',
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        'wal_level = replica',
        'max_wal_senders = 4',
        // A throwaway cluster: no need to survive a crash.
        'fsync = off',
        'full_page_writes = off',
        'shared_buffers = 16MB',
        'max_connections = 50',
        '',
      ].join('\n'),
    );
    await this.pgCtl(primary, this.primaryPort);
    await this.run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(this.primaryPort), '-U', 'postgres', '-D', replica, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
    await this.pgCtl(replica, this.replicaPort);

    const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${this.primaryPort}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${this.database}"`);
    } finally {
      await admin.end();
    }
    await this.waitForReplica(`SELECT 1 FROM pg_database WHERE datname = '${this.database}'`, 'postgres');
  }

  /** Resolves once `sql` returns a row on the replica (replication has caught up with it). */
  async waitForReplica(sql: string, database = this.database, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${this.replicaPort}/${database}` });
      try {
        await client.connect();
        if ((await client.query(sql)).rowCount) return;
      } catch {
        // not there yet
      } finally {
        await client.end().catch(() => undefined);
      }
      if (Date.now() > deadline) throw new Error(`the replica never answered ${sql}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Runs one statement on the replica (pg_wal_replay_pause(), statistics). */
  async onReplica<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const client = new Client({ connectionString: this.replicaUrl, application_name: 'wxmall-test-observer' });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async stopReplica(): Promise<void> {
    await this.stopCluster(join(this.dir, 'replica'));
  }

  async stop(): Promise<void> {
    if (!this.dir) return;
    for (const data of [...this.running]) await this.stopCluster(data);
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
  }

  private async pgCtl(data: string, port: number): Promise<void> {
    await this.run('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', `${data}.log`, '-o', `-p ${port}`]);
    this.running.add(data);
  }

  private async stopCluster(data: string): Promise<void> {
    if (!this.running.delete(data)) return;
    await this.run('pg_ctl', ['stop', '-w', '-t', '60', '-m', 'immediate', '-D', data]).catch(() => undefined);
  }

  private run(bin: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        join(this.bindir, bin),
        args,
        { ...this.user, cwd: this.dir, env: { LC_ALL: 'C', LANG: 'C', PATH: '/usr/local/bin:/usr/bin:/bin' }, timeout: 120_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${bin} ${args[0]} failed: ${String(stderr || error.message).trim()}`)) : resolve(stdout)),
      );
    });
  }
}
