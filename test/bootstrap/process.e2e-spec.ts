import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { childPids, killAll, cleanEnv, commandLine, ensureBuilt, freePort, MAIN_JS, Spawned, spawnProcess, waitForStatus } from '../support/processes';
import { DatabaseProxy } from '../support/tcp-proxy';

/** The app's connections, as PostgreSQL sees them (data-source-options.ts names them). */
const APP_CONNECTIONS = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'wxmall-api'`;

/** This test's own embedded PostgreSQL port: not the development default (54329) nor the other tests' (54339, 54349, 54359). */
const EMBEDDED_PG_PORT = 41310;

/**
 * The real process: `npm start` and `node dist/src/main.js` (the container's command),
 * spawned against the test database. Builds dist/ first, as `npm start` does.
 */
describe('the server process', () => {
  const running: Spawned[] = [];
  beforeAll(() => ensureBuilt(), 180_000);
  afterEach(async () => {
    await killAll(running);
  });

  const serverEnv = (port: number, extra: Record<string, string> = {}) =>
    cleanEnv({ NODE_ENV: 'development', PORT: String(port), DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'info', ...extra });

  async function npmStart(port: number, extra: Record<string, string> = {}): Promise<{ npm: Spawned; serverPid: number }> {
    const npm = spawnProcess('npm', ['start'], { env: serverEnv(port, extra) });
    running.push(npm);
    await waitForStatus(`http://127.0.0.1:${port}/api/health`, 200, npm);
    // `exec` in the start script: the process npm began is the server itself.
    const [serverPid] = childPids(npm.child.pid!);
    expect(commandLine(serverPid)).toBe('node dist/src/main.js');
    return { npm, serverPid };
  }

  describe('SIGTERM', () => {
    describe('with its database behind a proxy that sees how each connection ends', () => {
      const proxy = new DatabaseProxy(inject('databaseUrl'));
      const observer = new Client({ connectionString: inject('databaseUrl'), application_name: 'wxmall-process-test' });
      beforeAll(async () => {
        await proxy.up();
        await observer.connect();
      });
      afterAll(async () => {
        await observer.end();
        await proxy.down();
      });
      const appConnections = async () => (await observer.query(APP_CONNECTIONS)).rows[0].n as number;

      it('should exit 0 when sent to the process `npm start` began, having closed its pool', async () => {
        const port = await freePort();
        const { npm, serverPid } = await npmStart(port, { DATABASE_URL: proxy.url });
        const login = await fetch(`http://127.0.0.1:${port}/api/auth/wechat/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: 'sigterm' }),
        });
        expect(login.status).toBe(200);
        expect(((await login.json()) as { user: { openid: string } }).user.openid).toBe('dev_sigterm');
        expect(await appConnections()).toBeGreaterThan(0);

        process.kill(serverPid, 'SIGTERM');
        expect(await npm.exited).toEqual({ code: 0, signal: null });
        expect(npm.output()).toMatch(/"msg":"shut down cleanly"/);
        // Every connection it opened was ended with a Terminate (its pool was closed), not
        // merely dropped when the process exited; and none is left on the server.
        await vi.waitFor(() => expect(proxy.sessions.every((c) => c.closed)).toBe(true), { timeout: 10_000 });
        expect(proxy.sessions.length).toBeGreaterThan(0);
        expect(proxy.sessions.filter((c) => !c.terminated)).toEqual([]);
        await vi.waitFor(async () => expect(await appConnections()).toBe(0), { timeout: 10_000 });
      }, 90_000);
    });

    it('should exit 0 when sent to npm itself (npm 11 forwards it to the server)', async () => {
      const port = await freePort();
      const { npm, serverPid } = await npmStart(port);
      npm.child.kill('SIGTERM');
      expect(await npm.exited).toEqual({ code: 0, signal: null });
      expect(npm.output()).toMatch(/"msg":"SIGTERM received: finishing in-flight requests"/);
      expect(npm.output()).toMatch(/"msg":"shut down cleanly"/);
      expect(commandLine(serverPid)).toBe('');
    }, 90_000);

    describe('without DATABASE_URL (the embedded PostgreSQL)', () => {
      // The working directory holds `.data/postgres/`: a private one, initialised once here.
      let cwd = '';
      let pgdata = '';
      let postmasterPid = 0;
      beforeAll(() => {
        cwd = mkdtempSync(join(tmpdir(), 'wxmall-process-pg-'));
        chmodSync(cwd, 0o755); // as root, PostgreSQL runs as `postgres`, which must reach its folder
        pgdata = join(cwd, '.data', 'postgres', 'pgdata');
      });
      afterAll(async () => {
        // Only when the test failed: stop the postmaster the server left running.
        if (postmasterPid && isPostgres(postmasterPid)) {
          process.kill(postmasterPid, 'SIGINT');
          await vi.waitFor(() => expect(isPostgres(postmasterPid)).toBe(false), { timeout: 30_000 });
        }
        rmSync(cwd, { recursive: true, force: true });
      });

      it('should stop the embedded PostgreSQL it started, then exit 0 (node as the container runs it)', async () => {
        const port = await freePort();
        const env = cleanEnv({ NODE_ENV: 'development', PORT: String(port), EMBEDDED_PG_PORT: String(EMBEDDED_PG_PORT), LOG_LEVEL: 'info' });
        const server = spawnProcess(process.execPath, [MAIN_JS], { env, cwd });
        running.push(server);
        await waitForStatus(`http://127.0.0.1:${port}/api/health`, 200, server, 120_000);
        expect(server.output()).toContain(`embedded PostgreSQL ready on 127.0.0.1:${EMBEDDED_PG_PORT}, data in ${pgdata}`);
        postmasterPid = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
        expect(isPostgres(postmasterPid)).toBe(true);
        await expect(accepts(EMBEDDED_PG_PORT)).resolves.toBe(true);

        server.child.kill('SIGTERM');
        expect(await server.exited).toEqual({ code: 0, signal: null });
        expect(server.output()).toMatch(/"msg":"shut down cleanly"/);
        // pg_ctl stop -w returned before the exit: the postmaster is gone, not stopping.
        expect(isPostgres(postmasterPid)).toBe(false);
        expect(existsSync(join(pgdata, 'postmaster.pid'))).toBe(false);
        await expect(accepts(EMBEDDED_PG_PORT)).resolves.toBe(false);
      }, 150_000);
    });

    describe('with a request in flight', () => {
      // A WeChat stand-in that holds jscode2session until the test lets it answer.
      let wechat: Server;
      let arrived: () => void;
      let release: () => void;
      let arrivedP: Promise<void>;
      let releaseP: Promise<void>;
      beforeAll(async () => {
        arrivedP = new Promise((r) => (arrived = r));
        releaseP = new Promise((r) => (release = r));
        wechat = createServer((req: IncomingMessage, res: ServerResponse) => {
          if (!req.url?.startsWith('/sns/jscode2session')) {
            res.writeHead(200, { 'content-type': 'text/plain' }).end('{"errcode":40029,"errmsg":"invalid code, rid: x"}');
            return;
          }
          arrived();
          void releaseP.then(() => {
            const body = { openid: 'o_in_flight', session_key: randomBytes(16).toString('base64') };
            res.writeHead(200, { 'content-type': 'text/plain' }).end(JSON.stringify(body));
          });
        });
        await new Promise<void>((r) => wechat.listen(0, '127.0.0.1', r));
      });
      afterAll(async () => {
        wechat.closeAllConnections();
        await new Promise((r) => wechat.close(r));
      });

      it('should stop accepting, answer the request in flight, then exit 0 (node as the container runs it)', async () => {
        const port = await freePort();
        const base = `http://127.0.0.1:${port}`;
        const server = spawnProcess(process.execPath, [MAIN_JS], {
          env: serverEnv(port, {
            WECHAT_APPID: 'wxinflight00000001',
            WECHAT_SECRET: 'in-flight-test-secret',
            WECHAT_API_BASE: `http://127.0.0.1:${(wechat.address() as { port: number }).port}`,
            WECHAT_TIMEOUT_MS: '20000',
          }),
        });
        running.push(server);
        await waitForStatus(`${base}/api/health`, 200, server);

        const pending = fetch(`${base}/api/auth/wechat/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: 'in-flight-code' }),
        });
        await arrivedP;
        server.child.kill('SIGTERM');
        await server.waitForOutput(/SIGTERM received/);
        // It takes no new work while the login is still waiting for WeChat: readiness answers 503
        // SHUTTING_DOWN from the signal on, and once the listener is closed, connections are refused.
        await expect
          .poll(async () => {
            try {
              const health = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) });
              return health.status === 503 ? 'draining' : `answered ${health.status}`;
            } catch {
              return 'refused';
            }
          })
          .toMatch(/^(draining|refused)$/);
        expect(server.child.exitCode).toBeNull();

        release();
        const res = await pending;
        expect(res.status).toBe(200);
        const body = (await res.json()) as { user: { openid: string }; accessToken: string };
        expect(body.user.openid).toBe('o_in_flight');
        expect(body.accessToken).toEqual(expect.any(String));
        // Promptly: the answered socket is closed rather than kept alive (Fastify's
        // keep-alive timeout is 72 s, which would hold the shutdown that long).
        const stillRunning = new Promise((r) => setTimeout(() => r('still running 10 s after the answer'), 10_000).unref());
        expect(await Promise.race([server.exited, stillRunning])).toEqual({ code: 0, signal: null });
      }, 90_000);
    });
  });

  describe('configuration refused in production', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wxmall-config-')); // no .env here
    afterAll(() => rmSync(cwd, { recursive: true, force: true }));
    const complete = {
      NODE_ENV: 'production',
      PORT: '0',
      JWT_SECRET: 'a-production-secret-of-at-least-32-chars!',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/never_reached',
      WECHAT_APPID: 'wxprod000000000001',
      WECHAT_SECRET: 'prod-secret',
      DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
    };
    const cases: [string, Record<string, string | undefined>, string][] = [
      ['JWT_SECRET missing', { JWT_SECRET: undefined }, 'JWT_SECRET'],
      ['JWT_SECRET of 31 characters', { JWT_SECRET: 'x'.repeat(31) }, 'JWT_SECRET'],
      ['DATABASE_URL missing', { DATABASE_URL: undefined }, 'DATABASE_URL'],
      ['WECHAT_APPID missing', { WECHAT_APPID: undefined, WECHAT_SECRET: undefined }, 'WECHAT_APPID'],
      ['DATA_ENCRYPTION_KEY missing', { DATA_ENCRYPTION_KEY: undefined }, 'DATA_ENCRYPTION_KEY'],
      ['JWT_ACCESS_TTL of 0', { JWT_ACCESS_TTL: '0' }, 'JWT_ACCESS_TTL'],
      ['JWT_ACCESS_TTL that overflows', { JWT_ACCESS_TTL: '99999999999999999999d' }, 'JWT_ACCESS_TTL'],
    ];
    it.each(cases)('should exit non-zero with one line naming the variable: %s', async (_name, change, variable) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...complete, ...change })) if (v !== undefined) env[k] = v;
      const proc = spawnProcess(process.execPath, [MAIN_JS], { env: cleanEnv(env), cwd });
      running.push(proc);
      const { code } = await proc.exited;
      expect(code).not.toBe(0);
      const lines = proc.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Configuration error: ${variable} `));
    }, 30_000);
  });
});

/** A live process running postgres (a zombie or a vanished pid has no command line). */
function isPostgres(pid: number): boolean {
  return commandLine(pid).includes('postgres');
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
