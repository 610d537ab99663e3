import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRINCIPAL_FORGET_CHANNEL } from '../../src/auth/principal-broadcast';
import { PRINCIPAL_TTL_MS } from '../../src/auth/principal-cache';
import { FakeWechatServer } from '../support/fake-wechat.server';
import { FaultyProxy } from '../support/faulty-proxy';
import { cleanEnv, ensureBuilt, freePort, killIfRunning, MAIN_JS, Spawned, spawnProcess, waitForStatus } from '../support/processes';
import { processAppEnv, TEST_APPID, TEST_WECHAT_SECRET } from '../support/test-app';
import { TEST_REDIS_URL as REDIS_URL } from '../support/redis';

/** Low, so the shared count shows within a few logins; each test logs in from addresses of its own. */
const AUTH_RATE_LIMIT = 3;

interface Instance {
  name: string;
  port: number;
  proc: Spawned;
}

interface Answer {
  status: number;
  body: any;
}

/**
 * One request from `from` (a loopback address of its own: 127.0.0.x is a client of its own to
 * the app, so each test has its own rate limit counters), on a connection of its own.
 */
function call(to: Instance, method: string, path: string, options: { body?: unknown; token?: string; from?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: to.port,
        method,
        path,
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
        timeout: 20_000,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} on ${to.name}: no answer in 20 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Polls `probe` until it holds; returns the time it took from `since`. Fails past `limitMs`
 * (the bound under test) plus a margin, so a miss reports how late it was.
 */
async function timeUntil(since: number, limitMs: number, probe: () => Promise<boolean>): Promise<number> {
  const deadline = since + limitMs + 3000;
  for (;;) {
    if (await probe()) return performance.now() - since;
    if (performance.now() > deadline) throw new Error(`still not so ${Math.round(performance.now() - since)} ms later`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Two real instances (`node dist/src/main.js`, as the container runs it) on one database and
 * one Redis, reached through a proxy that can make Redis hang or go away mid-test; one fake
 * WeChat in this process. The contract: docs/deploying.md#redis.
 */
describe('two instances sharing Redis', () => {
  const fake = new FakeWechatServer({ appid: TEST_APPID, secret: TEST_WECHAT_SECRET });
  const proxy = FaultyProxy.for(REDIS_URL, 6379);
  const prefix = `wxmall-scaling-test-${randomBytes(4).toString('hex')}:`;
  const direct = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const admin = { username: `admin_${randomBytes(3).toString('hex')}`, password: 'scaling-admin-password' };
  let A: Instance;
  let B: Instance;
  let clients = 10;
  /** A client address of its own (127.0.0.11, .12, …). */
  const newClient = () => `127.0.0.${++clients}`;

  async function start(name: string, extra: Record<string, string> = {}): Promise<Instance> {
    const port = await freePort();
    const env = cleanEnv(
      processAppEnv(fake.url, {
        PORT: String(port),
        WECHAT_TIMEOUT_MS: '3000',
        REDIS_URL: proxy.urlThrough(REDIS_URL),
        REDIS_KEY_PREFIX: prefix,
        AUTH_RATE_LIMIT: String(AUTH_RATE_LIMIT),
        ...extra,
      }),
    );
    return { name, port, proc: spawnProcess(process.execPath, [MAIN_JS], { env }) };
  }

  beforeAll(async () => {
    ensureBuilt();
    await fake.listen();
    await proxy.listen();
    await direct.connect();
    [A, B] = await Promise.all([start('A', { ADMIN_USERNAME: admin.username, ADMIN_PASSWORD: admin.password }), start('B')]);
    for (const { port, proc } of [A, B]) await waitForStatus(`http://127.0.0.1:${port}/api/health`, 200, proc);
    // Both listen for revocations before anything is revoked.
    await timeUntil(performance.now(), 10_000, async () => {
      const [, subscribers] = (await direct.pubsub('NUMSUB', `${prefix}${PRINCIPAL_FORGET_CHANNEL}`)) as [string, number];
      return subscribers === 2;
    });
  }, 180_000);

  afterAll(async () => {
    for (const instance of [A, B]) {
      const proc = instance?.proc;
      if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
        proc.child.kill('SIGTERM');
        const exited = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r(null), 10_000))]);
        if (!exited) await killIfRunning(proc);
      }
    }
    await proxy.close();
    await fake.close();
    const keys = await direct.keys(`${prefix}*`);
    if (keys.length) await direct.del(...keys);
    await direct.quit();
  });

  /** A mini program user logged in on `on` from a client address of its own; returns the TokenPair. */
  async function login(on: Instance, openid: string): Promise<any> {
    const res = await call(on, 'POST', '/api/auth/wechat/login', { body: { code: fake.issueCode(openid) }, from: newClient() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  const me = (on: Instance, token: string) => call(on, 'GET', '/api/users/me', { token }).then((res) => res.status);
  const openid = (what: string) => `o_${what}_${randomBytes(3).toString('hex')}`;

  /** B has the session's principal cached (it answered 200); then `revoke` runs on A; returns how long until B answers `status`. */
  async function revocationDelayOnB(token: string, revoke: () => Promise<void>, status = 401): Promise<number> {
    expect(await me(B, token)).toBe(200);
    await revoke();
    const revokedAt = performance.now();
    return timeUntil(revokedAt, 1000, async () => (await me(B, token)) === status);
  }

  describe('with Redis answering', () => {
    it('should refuse on B within 1 s an access token whose session logged out on A', async () => {
      const pair = await login(A, openid('logout'));
      const delay = await revocationDelayOnB(pair.accessToken, async () => {
        expect((await call(A, 'POST', '/api/auth/logout', { body: { refreshToken: pair.refreshToken } })).status).toBe(204);
      });
      expect(delay).toBeLessThan(1000);
    });

    it('should refuse on B within 1 s the session of a refresh token reused on A', async () => {
      const first = await login(A, openid('reuse'));
      const next = await call(A, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(next.status).toBe(200);
      const delay = await revocationDelayOnB(next.body.accessToken, async () => {
        const reuse = await call(A, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
        expect(reuse.body).toMatchObject({ statusCode: 401, code: 'REFRESH_TOKEN_REUSED' });
      });
      expect(delay).toBeLessThan(1000);
    });

    it('should refuse on B within 1 s the tokens of a user erased on A', async () => {
      const pair = await login(A, openid('erase'));
      const delay = await revocationDelayOnB(pair.accessToken, async () => {
        expect((await call(A, 'DELETE', '/api/users/me', { token: pair.accessToken })).status).toBe(204);
      });
      expect(delay).toBeLessThan(1000);
    });

    describe('an admin on A', () => {
      let adminToken = '';
      beforeAll(async () => {
        const res = await call(A, 'POST', '/api/auth/token', { body: admin, from: newClient() });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        adminToken = res.body.accessToken;
      });

      it('should have a user it disables refused on B within 1 s', async () => {
        const pair = await login(B, openid('disable'));
        const delay = await revocationDelayOnB(pair.accessToken, async () => {
          const res = await call(A, 'PATCH', `/api/users/${pair.user.id}`, { token: adminToken, body: { disabled: true } });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
        });
        expect(delay).toBeLessThan(1000);
      });

      it('should have an admin it demotes to staff lose the admin routes on B within 1 s', async () => {
        const other = { username: `admin2_${randomBytes(3).toString('hex')}`, password: 'another-admin-password' };
        const created = await call(A, 'POST', '/api/users', { token: adminToken, body: { ...other, role: 'admin' } });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const pair = (await call(B, 'POST', '/api/auth/token', { body: other, from: newClient() })).body;
        const list = (token: string) => call(B, 'GET', '/api/users?pageSize=1', { token }).then((res) => res.status);
        expect(await list(pair.accessToken)).toBe(200);
        const demoted = await call(A, 'PATCH', `/api/users/${created.body.id}`, { token: adminToken, body: { role: 'staff' } });
        expect(demoted.status).toBe(200);
        const since = performance.now();
        const delay = await timeUntil(since, 1000, async () => (await list(pair.accessToken)) === 403);
        expect(delay).toBeLessThan(1000);
      });
    });

    it('should send a code posted to A and B at once to WeChat once, and log both in as the same user', async () => {
      const who = openid('double_tap');
      const code = fake.issueCode(who);
      const callsBefore = fake.calls.jscode2session;
      // WeChat takes its time, so the second request arrives while the first one's exchange is in flight.
      fake.latencyMs = 300;
      const from = newClient();
      try {
        const [onA, onB] = await Promise.all([
          call(A, 'POST', '/api/auth/wechat/login', { body: { code }, from }),
          call(B, 'POST', '/api/auth/wechat/login', { body: { code }, from }),
        ]);
        expect([onA.status, onB.status], JSON.stringify([onA.body, onB.body])).toEqual([200, 200]);
        expect(onA.body.user.id).toBe(onB.body.user.id);
        expect(fake.calls.jscode2session - callsBefore).toBe(1);
        // Two working sessions, each good on the other instance.
        expect(await me(B, onA.body.accessToken)).toBe(200);
        expect(await me(A, onB.body.accessToken)).toBe(200);
      } finally {
        fake.latencyMs = 0;
      }
      // Redis holds the outcome under a hash of the code, sealed: neither the code nor the session_key is in it.
      const keys = await direct.keys(`${prefix}login-code:*`);
      expect(keys.length).toBeGreaterThan(0);
      const stored = (await Promise.all(keys.map((k) => direct.get(k)))).join(' ') + keys.join(' ');
      expect(stored).not.toContain(code);
      expect(fake.sessionKeyOf(who)).toBeTruthy();
      expect(stored).not.toContain(fake.sessionKeyOf(who)!);
    });

    it('should share WeChat refusing a code between the instances', async () => {
      const code = fake.codeFailingWith(40029);
      const callsBefore = fake.calls.jscode2session;
      fake.latencyMs = 300;
      const from = newClient();
      try {
        const answers = await Promise.all([
          call(A, 'POST', '/api/auth/wechat/login', { body: { code }, from }),
          call(B, 'POST', '/api/auth/wechat/login', { body: { code }, from }),
        ]);
        expect(answers.map((a) => [a.status, a.body.code])).toEqual([
          [401, 'WECHAT_CODE_INVALID'],
          [401, 'WECHAT_CODE_INVALID'],
        ]);
        expect(fake.calls.jscode2session - callsBefore).toBe(1);
      } finally {
        fake.latencyMs = 0;
      }
    });

    it('should count the login rate limit of a client across both instances', async () => {
      const from = newClient();
      const attempt = (on: Instance) => call(on, 'POST', '/api/auth/wechat/login', { body: { code: fake.issueCode(openid('limited')) }, from });
      const statuses = [];
      for (const on of [A, B, A]) statuses.push((await attempt(on)).status);
      expect(statuses).toEqual([200, 200, 200]);
      // B has seen one login of this client; the shared count is AUTH_RATE_LIMIT.
      const fourth = await attempt(B);
      expect(fourth.status).toBe(429);
      expect(fourth.body).toMatchObject({ code: 'RATE_LIMITED' });
    });
  });

  describe('while Redis hangs, then is stopped, then comes back', () => {
    it('should keep logins and guarded reads working while Redis accepts connections and never answers', async () => {
      // Redis hangs: the connections stay open and nothing comes back.
      proxy.setMode('stall', { keepConnections: true });
      for (const on of [A, B, A, B]) {
        const started = performance.now();
        const pair = await login(on, openid('hang'));
        expect(await me(on === A ? B : A, pair.accessToken)).toBe(200);
        // Only the first commands after the hang wait, for the command timeout (500 ms), once per client.
        expect(performance.now() - started).toBeLessThan(3000);
      }
    });

    it('should fall back to the 5 s bound for revocations while Redis hangs', async () => {
      const pair = await login(A, openid('hang_logout'));
      expect(await me(B, pair.accessToken)).toBe(200);
      const started = performance.now();
      expect((await call(A, 'POST', '/api/auth/logout', { body: { refreshToken: pair.refreshToken } })).status).toBe(204);
      expect(performance.now() - started).toBeLessThan(1000);
      const delay = await timeUntil(started, 5000, async () => (await me(B, pair.accessToken)) === 401);
      expect(delay).toBeLessThan(5000);
      // At once on the instance that logged out.
      expect(await me(A, pair.accessToken)).toBe(401);
    });

    it('should keep logins and guarded reads working while Redis is stopped, with the 5 s bound', async () => {
      proxy.setMode('drop');
      const pair = await login(B, openid('stopped'));
      expect(await me(A, pair.accessToken)).toBe(200);
      const other = await login(A, openid('stopped_2'));
      expect(await me(B, other.accessToken)).toBe(200);
      const started = performance.now();
      expect((await call(A, 'POST', '/api/auth/logout', { body: { refreshToken: other.refreshToken } })).status).toBe(204);
      const delay = await timeUntil(started, 5000, async () => (await me(B, other.accessToken)) === 401);
      expect(delay).toBeLessThan(PRINCIPAL_TTL_MS + 1000);
    });

    it('should broadcast revocations within 1 s again once Redis is back', async () => {
      const answeringAgain = /"msg":"Redis answers again: rate limits, revocations and login dedupe are shared across instances"/;
      proxy.setMode('forward');
      await Promise.all([A.proc.waitForOutput(answeringAgain), B.proc.waitForOutput(answeringAgain)]);
      await timeUntil(performance.now(), 10_000, async () => {
        const [, subscribers] = (await direct.pubsub('NUMSUB', `${prefix}${PRINCIPAL_FORGET_CHANNEL}`)) as [string, number];
        return subscribers === 2;
      });
      const pair = await login(A, openid('back'));
      const delay = await revocationDelayOnB(pair.accessToken, async () => {
        expect((await call(A, 'POST', '/api/auth/logout', { body: { refreshToken: pair.refreshToken } })).status).toBe(204);
      });
      expect(delay).toBeLessThan(1000);
    });
  });

  describe('an instance started while Redis accepts connections and never answers', () => {
    const stalled = FaultyProxy.for(REDIS_URL, 6379);
    let C: Instance;
    beforeAll(async () => {
      await stalled.listen();
      stalled.setMode('stall');
      const port = await freePort();
      const env = cleanEnv(processAppEnv(fake.url, { PORT: String(port), REDIS_URL: stalled.urlThrough(REDIS_URL), REDIS_KEY_PREFIX: prefix }));
      C = { name: 'C', port, proc: spawnProcess(process.execPath, [MAIN_JS], { env }) };
      await waitForStatus(`http://127.0.0.1:${port}/api/health`, 200, C.proc);
    }, 120_000);
    afterAll(async () => {
      if (C && C.proc.child.exitCode === null && C.proc.child.signalCode === null) {
        C.proc.child.kill('SIGTERM');
        await C.proc.exited;
      }
      await stalled.close();
    });

    it('should start, log in and serve guarded reads without waiting on Redis, and revoke at once on itself', async () => {
      expect(stalled.accepted.stall).toBeGreaterThan(0);
      const started = performance.now();
      const pair = await login(C, openid('never_answered'));
      expect(await me(C, pair.accessToken)).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
      expect((await call(C, 'POST', '/api/auth/logout', { body: { refreshToken: pair.refreshToken } })).status).toBe(204);
      expect(await me(C, pair.accessToken)).toBe(401);
      // Nothing but connection handshakes was asked of the Redis that never answers.
      expect(stalled.stalledData).not.toMatch(/PUBLISH|\bGET\b|\bSET\b|evalsha/i);
    });
  });
});
