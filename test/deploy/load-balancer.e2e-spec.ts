import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { FakeWechatServer } from '../support/fake-wechat.server';
import { cleanEnv, ensureBuilt, freePort, MAIN_JS, ROOT, Spawned, spawnProcess, waitForStatus } from '../support/processes';
import { processAppEnv, TEST_APPID, TEST_JWT_SECRET, TEST_WECHAT_SECRET } from '../support/test-app';
import { findNginx, mainNginxConf, NGINX_CONF, readCompose, renderNginxConf, serviceEnvironment } from './deploy-files';
import { TEST_REDIS_URL as REDIS_URL } from '../support/redis';

const NGINX = findNginx();

/** The app service's environment in docker-compose.yml, with the four secrets of a `.env`. */
function composeAppEnv(): Record<string, string> {
  return serviceEnvironment(readCompose().services.app, {
    JWT_SECRET: TEST_JWT_SECRET,
    WECHAT_APPID: TEST_APPID,
    WECHAT_SECRET: TEST_WECHAT_SECRET,
    DATA_ENCRYPTION_KEY: 'ef'.repeat(32),
  });
}

/** Every `proxy_set_header <name> <value>;` of the config. */
function proxyHeaders(conf: string): [string, string][] {
  return [...conf.matchAll(/^\s*proxy_set_header\s+(\S+)\s+(.+?)\s*;/gm)].map((m) => [m[1].toLowerCase(), m[2].replace(/^"|"$/g, '')]);
}

/**
 * nginx with the config under `prefix`, in the foreground, its stdout (where the site's access_log
 * writes, as in the container) a file: /dev/stdout cannot be opened on the socket Node would give it.
 */
function startNginx(prefix: string): Spawned & { accessLog(): string } {
  const accessLog = join(prefix, 'stdout.log');
  const args = ['-e', 'stderr', '-p', prefix, '-c', join(prefix, 'nginx.conf')];
  const stdout = openSync(accessLog, 'a');
  try {
    execFileSync(NGINX!, ['-t', '-q', ...args], { stdio: ['ignore', stdout, 'pipe'] });
    const child = spawn(NGINX!, args, { env: cleanEnv({}), stdio: ['ignore', stdout, 'pipe'] });
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    const read = () => readFileSync(accessLog, 'utf8');
    return {
      child,
      exited,
      output: () => `${errors}${read()}`,
      accessLog: read,
      waitForOutput: () => Promise.reject(new Error('not used')),
    };
  } finally {
    closeSync(stdout);
  }
}

/** nginx's time (`5s`, `1m`, `500ms`, a bare number of seconds) in seconds. */
function seconds(value: string): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(value)!;
  const n = Number(match[1]);
  return match[2] === 'ms' ? n / 1000 : match[2] === 'm' ? n * 60 : n;
}

/**
 * deploy/nginx/wxmall.conf, the load balancer of docker-compose.yml: checked against the app's
 * TRUST_PROXY contract (docs/operations.md), then — where nginx is installed — run as is (its
 * upstream and listen port rendered for this machine) in front of two real instances.
 */
describe('the load balancer (deploy/nginx/wxmall.conf)', () => {
  const conf = readFileSync(NGINX_CONF, 'utf8');
  const headers = proxyHeaders(conf);

  it('should be one proxy hop that appends the address it saw to X-Forwarded-For, which is what the compose TRUST_PROXY believes', () => {
    // One hop: one proxy_pass, one appended entry, and nothing that rewrites the client address first.
    expect(conf.match(/^\s*proxy_pass\s/gm)).toHaveLength(1);
    expect(headers.filter(([name]) => name === 'x-forwarded-for')).toEqual([['x-forwarded-for', '$proxy_add_x_forwarded_for']]);
    expect(conf).not.toMatch(/^\s*(real_ip_header|set_real_ip_from)\b/m);
    expect(headers).toContainEqual(['x-real-ip', '$remote_addr']);

    // The app in docker-compose.yml trusts exactly that one hop…
    expect(loadConfig(composeAppEnv()).trustProxy).toBe(1);
    // …which the operations docs define as believing the last entry, the one the load balancer appended.
    const operations = readFileSync(resolve(ROOT, 'docs', 'operations.md'), 'utf8');
    const row = /^\|\s*`true` or `1`\s*\|(.+)\|\s*$/m.exec(operations);
    expect(row, 'docs/operations.md has the TRUST_PROXY row for one proxy').not.toBeNull();
    expect(row![1]).toMatch(/last `X-Forwarded-For` entry/);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(loadConfig({ TRUST_PROXY: '1' }).trustProxy);
  });

  it("should pass the client's X-Request-Id, else its own $request_id", () => {
    const header = headers.find(([name]) => name === 'x-request-id');
    expect(header).toBeDefined();
    const variable = header![1];
    const map = new RegExp(`map\\s+\\$http_x_request_id\\s+${variable.replace('$', '\\$')}\\s*\\{([^}]*)\\}`).exec(conf);
    expect(map, `a map from $http_x_request_id to ${variable}`).not.toBeNull();
    expect(map![1]).toMatch(/^\s*default\s+\$http_x_request_id\s*;/m);
    expect(map![1]).toMatch(/^\s*""\s+\$request_id\s*;/m);
  });

  it('should re-resolve the replicas of `app` through Docker DNS', () => {
    expect(conf).toMatch(/^\s*resolver\s+127\.0\.0\.11\b[^;]*\bvalid=\d+s\b[^;]*;/m);
    const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(conf);
    expect(upstream).not.toBeNull();
    expect(upstream![2]).toMatch(/^\s*zone\s+\S+\s+\d+k\s*;/m);
    expect(upstream![2]).toMatch(/^\s*server\s+app:3000\s+resolve\b/m);
    expect(conf).toMatch(new RegExp(`proxy_pass\\s+http://${upstream![1]}\\s*;`));
  });

  it('should wait long enough for a WeChat login and not forever for a connection', () => {
    const value = (directive: string) => seconds(new RegExp(`^\\s*${directive}\\s+(\\S+)\\s*;`, 'm').exec(conf)![1]);
    expect(value('proxy_connect_timeout')).toBeLessThanOrEqual(10);
    // A login may wait 3 × WECHAT_TIMEOUT_MS + 1 s (16 s by default).
    expect(value('proxy_read_timeout')).toBeGreaterThanOrEqual(20);
    expect(value('proxy_read_timeout')).toBeLessThanOrEqual(120);
    expect(value('proxy_send_timeout')).toBeLessThanOrEqual(120);
    // Idle upstream connections are closed by nginx before the app (72 s) closes them under it.
    expect(value('keepalive_timeout')).toBeLessThan(72);
  });

  describe.skipIf(!NGINX)('running in front of two instances', () => {
    const fake = new FakeWechatServer({ appid: TEST_APPID, secret: TEST_WECHAT_SECRET });
    const redisPrefix = `wxmall-deploy-test-${randomBytes(4).toString('hex')}:`;
    const instances: { port: number; proc: Spawned }[] = [];
    let nginx: (Spawned & { accessLog(): string }) | null = null;
    let prefix = '';
    let lbPort = 0;

    /** A request to the load balancer from `localAddress` (127.0.0.x: a client of its own). */
    function lb(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; localAddress?: string } = {}) {
      return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>((resolveRes, reject) => {
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: lbPort,
            method,
            path,
            localAddress: options.localAddress ?? '127.0.0.1',
            agent: false,
            headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolveRes({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : null }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }

    beforeAll(async () => {
      ensureBuilt();
      await fake.listen();
      const compose = composeAppEnv();
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        const env = cleanEnv(
          processAppEnv(fake.url, {
            PORT: String(port),
            REDIS_URL,
            REDIS_KEY_PREFIX: redisPrefix,
            AUTH_RATE_LIMIT: '3',
            // As docker-compose.yml runs them.
            TRUST_PROXY: compose.TRUST_PROXY,
            MIGRATIONS_RUN: compose.MIGRATIONS_RUN,
          }),
        );
        const proc = spawnProcess(process.execPath, [MAIN_JS], { env });
        instances.push({ port, proc });
      }
      for (const { port, proc } of instances) await waitForStatus(`http://127.0.0.1:${port}/api/health`, 200, proc);

      prefix = mkdtempSync(join(tmpdir(), 'wxmall-nginx-'));
      chmodSync(prefix, 0o755); // as root, nginx's workers run unprivileged and must reach their temp folders
      lbPort = await freePort();
      const site = join(prefix, 'wxmall.conf');
      writeFileSync(site, renderNginxConf({ upstreams: instances.map(({ port }) => `127.0.0.1:${port}`), listen: `127.0.0.1:${lbPort}` }));
      writeFileSync(join(prefix, 'nginx.conf'), mainNginxConf(prefix, site));
      nginx = startNginx(prefix);
      await waitForStatus(`http://127.0.0.1:${lbPort}/api/health`, 200, nginx);
    }, 180_000);

    afterAll(async () => {
      if (nginx && nginx.child.exitCode === null) {
        nginx.child.kill('SIGQUIT'); // graceful: finish requests, then exit
        await nginx.exited;
      }
      for (const { proc } of instances) {
        if (proc.child.exitCode === null && proc.child.signalCode === null) {
          proc.child.kill('SIGTERM');
          await proc.exited;
        }
      }
      await fake.close();
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        const keys = await redis.keys(`${redisPrefix}*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
      if (prefix) rmSync(prefix, { recursive: true, force: true });
    });

    it('should spread requests over both instances, each request served by exactly one', async () => {
      const login = await lb('POST', '/api/auth/wechat/login', { body: { code: fake.issueCode('o_load_balanced') } });
      expect(login.status).toBe(200);
      const ids = Array.from({ length: 12 }, (_, i) => `lb-spread-${i}-${randomBytes(4).toString('hex')}`);
      for (const id of ids) {
        const me = await lb('GET', '/api/users/me', { headers: { authorization: `Bearer ${login.body.accessToken}`, 'x-request-id': id } });
        expect(me.status).toBe(200);
        expect(me.body.openid).toBe('o_load_balanced');
      }
      const servedBy = (id: string) => instances.filter(({ proc }) => proc.output().includes(`"id":"${id}"`)).length;
      await expect.poll(() => ids.map(servedBy)).toEqual(ids.map(() => 1));
      for (const { proc } of instances) expect(ids.filter((id) => proc.output().includes(`"id":"${id}"`)).length).toBeGreaterThan(0);
    });

    it("should pass the client's X-Request-Id through, and give one of its own when the client sends none", async () => {
      const given = `client-${randomBytes(6).toString('hex')}`;
      const withId = await lb('GET', '/api/no-such-route', { headers: { 'x-request-id': given } });
      expect(withId.status).toBe(404);
      expect(withId.headers['x-request-id']).toBe(given);

      const without = await lb('GET', '/api/no-such-route');
      expect(without.status).toBe(404);
      const id = without.headers['x-request-id'] as string;
      // nginx's $request_id (32 hex digits), not the UUID the app makes when none arrives.
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      await expect.poll(() => instances.some(({ proc }) => proc.output().includes(`"id":"${id}"`))).toBe(true);
      await expect.poll(() => nginx!.accessLog()).toContain(`id=${id}`);
    });

    it('should hand the app the client address, so the rate limit counts each client and believes no forged entry', async () => {
      const attempt = (localAddress: string, forwardedFor?: string) =>
        lb('POST', '/api/auth/token', {
          body: { username: 'nobody-here', password: 'wrong-password' },
          localAddress,
          headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
        }).then((res) => res.status);

      // AUTH_RATE_LIMIT=3, counted together in Redis whichever instance answers.
      expect([await attempt('127.0.0.2'), await attempt('127.0.0.2'), await attempt('127.0.0.2')]).toEqual([401, 401, 401]);
      expect(await attempt('127.0.0.2')).toBe(429);
      // Another client is another address, although both reach the app from nginx's.
      expect(await attempt('127.0.0.3')).toBe(401);
      // An entry the client wrote itself is not believed, either way.
      expect(await attempt('127.0.0.2', '198.51.100.7')).toBe(429);
      expect(await attempt('127.0.0.4', '127.0.0.2')).toBe(401);
    });

    it('should answer the health checks of the stack through the load balancer', async () => {
      expect((await lb('GET', '/api/health/ready')).status).toBe(200);
      expect((await lb('GET', '/api/health/live')).status).toBe(200);
      // Health checks stay out of the access log.
      expect(nginx!.accessLog()).toMatch(/"GET \/api\/no-such-route"/);
      expect(nginx!.accessLog()).not.toMatch(/"GET \/api\/health/);
    });
  });
});
