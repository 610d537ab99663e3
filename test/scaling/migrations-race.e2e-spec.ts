import { createConnection, createServer, Server, Socket } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS } from '../../src/database/migrations';
import { killAll, cleanEnv, ensureBuilt, freePort, MAIN_JS, ROOT, Spawned, spawnProcess, waitForStatus } from '../support/processes';

const CLI_JS = resolve(ROOT, 'dist', 'src', 'cli.js');
/** The names the migrations table records (TypeORM: the class's `name`, else the class name), in order. */
const MIGRATION_NAMES = MIGRATIONS.map((m) => (new m() as { name?: string }).name ?? m.name);

/**
 * A starting gate in front of PostgreSQL: it accepts connections but lets none through until
 * `expected` are waiting (or `maxHoldMs` after the first, inside the app's 2 s connect timeout),
 * then opens for all at once. Instances spawned together still boot at their own pace; behind
 * the gate they meet the database in the same instant, so a start that does not serialise its
 * migrations collides every time instead of now and then.
 */
class StartingGate {
  private server: Server | null = null;
  private readonly held: Socket[] = [];
  private readonly sockets = new Set<Socket>();
  private opened = false;
  private timer: NodeJS.Timeout | undefined;
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly expected: number,
    private readonly maxHoldMs = 1500,
  ) {}

  async listen(): Promise<void> {
    this.server = createServer((client) => {
      this.track(client);
      if (this.opened) return this.pass(client);
      // Unread, the client's startup message waits in the socket until the gate opens.
      this.held.push(client);
      this.timer ??= setTimeout(() => this.open(), this.maxHoldMs);
      if (this.held.length >= this.expected) this.open();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    clearTimeout(this.timer);
    for (const client of this.held.splice(0)) this.pass(client);
  }

  private pass(client: Socket): void {
    const upstream = this.track(createConnection(this.target));
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  }
}

/**
 * Migrations with real processes, as a release runs them: instances that migrate at start
 * (MIGRATIONS_RUN=true, the default) take turns under the advisory lock of
 * src/database/migrator.ts; `node dist/src/cli.js migrate` does the same; an instance started
 * with MIGRATIONS_RUN=false on a schema that is behind is live but not ready until `migrate` ran.
 * Each case works on an empty database of its own, dropped afterwards.
 */
describe('migrations across processes', () => {
  const baseUrl = inject('databaseUrl');
  const admin = new Client({ connectionString: baseUrl, application_name: 'wxmall-test-migrations' });
  const baseName = decodeURIComponent(new URL(baseUrl).pathname.slice(1));
  const created = new Set<string>();
  const running: Spawned[] = [];

  const urlOf = (name: string) => {
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const drop = (name: string) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  /** A new, empty database (no schema at all). */
  async function emptyDatabase(suffix: string): Promise<{ name: string; url: string }> {
    const name = `${baseName}_${suffix}`;
    await drop(name);
    await admin.query(`CREATE DATABASE "${name}"`);
    created.add(name);
    return { name, url: urlOf(name) };
  }
  /** What the migrations table holds: how many rows each name has. */
  async function appliedCounts(url: string): Promise<Record<string, number>> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; n: number }>('SELECT name, count(*)::int AS n FROM migrations GROUP BY name');
      return Object.fromEntries(rows.map((r) => [r.name, r.n]));
    } finally {
      await client.end();
    }
  }
  const eachOnce = Object.fromEntries(MIGRATION_NAMES.map((name) => [name, 1]));

  // The production configuration, as the image runs: no development fallbacks. Nothing here
  // logs in, so WeChat is never called (WECHAT_API_BASE points at a closed port).
  const productionEnv = (databaseUrl: string, extra: Record<string, string> = {}) =>
    cleanEnv({
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'migrations-test-secret-of-at-least-32-chars',
      DATA_ENCRYPTION_KEY: 'ef'.repeat(32),
      WECHAT_APPID: 'wxmigrationstest01',
      WECHAT_SECRET: 'migrations-test-wechat-secret',
      WECHAT_API_BASE: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
      ...extra,
    });
  function spawnInstance(port: number, databaseUrl: string, extra: Record<string, string> = {}): Spawned {
    const proc = spawnProcess(process.execPath, [MAIN_JS], { env: productionEnv(databaseUrl, { PORT: String(port), ...extra }) });
    running.push(proc);
    return proc;
  }
  async function cliMigrate(databaseUrl: string): Promise<{ code: number | null; output: string }> {
    const proc = spawnProcess(process.execPath, [CLI_JS, 'migrate'], { env: productionEnv(databaseUrl) });
    running.push(proc);
    const { code } = await proc.exited;
    return { code, output: proc.output() };
  }
  async function stopAll(): Promise<void> {
    await killAll(running);
  }

  beforeAll(async () => {
    ensureBuilt();
    await admin.connect();
  }, 180_000);
  afterEach(stopAll);
  afterAll(async () => {
    await stopAll();
    for (const name of created) await drop(name);
    await admin.end();
  });

  it('should bring three instances started at once on an empty database to ready, each migration applied once, five times over', async () => {
    const target = new URL(baseUrl);
    for (let round = 1; round <= 5; round++) {
      const db = await emptyDatabase(`race${round}`);
      const gate = new StartingGate({ host: target.hostname, port: Number(target.port || 5432) }, 3);
      await gate.listen();
      try {
        const ports = [await freePort(), await freePort(), await freePort()];
        const instances = ports.map((port) => spawnInstance(port, gate.url(db.url)));
        // All ready (waitForStatus fails at once if an instance exits), and still running.
        await Promise.all(instances.map((proc, i) => waitForStatus(`http://127.0.0.1:${ports[i]}/api/health/ready`, 200, proc, 90_000)));
        expect(instances.map((proc) => proc.child.exitCode)).toEqual([null, null, null]);
        // None got there by failing and starting over (@nestjs/typeorm retries a start that failed
        // on an unreachable database, and once retried any failure, a lost migration race included).
        expect(instances.map((proc) => /Unable to connect to the database|Retrying \(\d+\)/.test(proc.output()))).toEqual([false, false, false]);
        expect({ round, applied: await appliedCounts(db.url) }).toEqual({ round, applied: eachOnce });

        for (const proc of instances) proc.child.kill('SIGTERM');
        expect(await Promise.all(instances.map((proc) => proc.exited))).toEqual(instances.map(() => ({ code: 0, signal: null })));
        running.splice(0);
      } finally {
        await stopAll();
        await gate.close();
        await drop(db.name);
        created.delete(db.name);
      }
    }
  }, 300_000);

  it('should apply every migration with `node dist/src/cli.js migrate` and say which, then find nothing to apply', async () => {
    const db = await emptyDatabase('cli');
    const first = await cliMigrate(db.url);
    expect(first).toEqual({ code: 0, output: `applied ${MIGRATION_NAMES.length} migration(s): ${MIGRATION_NAMES.join(', ')}\n` });
    expect(await appliedCounts(db.url)).toEqual(eachOnce);

    const second = await cliMigrate(db.url);
    expect(second).toEqual({ code: 0, output: 'the schema is current: nothing to apply\n' });
    expect(await appliedCounts(db.url)).toEqual(eachOnce);
  }, 60_000);

  it('should keep an instance with MIGRATIONS_RUN=false live but not ready on an empty database until `migrate` has run', async () => {
    const db = await emptyDatabase('norun');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const instance = spawnInstance(port, db.url, { MIGRATIONS_RUN: 'false' });
    await waitForStatus(`${base}/api/health/live`, 200, instance);

    const notReady = await fetch(`${base}/api/health/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ statusCode: 503, code: 'HEALTH_CHECK_FAILED' });
    expect((await fetch(`${base}/api/health`)).status).toBe(503);
    // It did not migrate: the database has no schema.
    const tablesThere = new Client({ connectionString: db.url });
    await tablesThere.connect();
    try {
      expect((await tablesThere.query(`SELECT to_regclass('public.migrations') AS t`)).rows[0].t).toBeNull();
    } finally {
      await tablesThere.end();
    }

    expect((await cliMigrate(db.url)).code).toBe(0);
    await waitForStatus(`${base}/api/health/ready`, 200, instance, 20_000);
    expect(instance.child.exitCode).toBeNull();
    expect(await appliedCounts(db.url)).toEqual(eachOnce);
  }, 90_000);
});
