import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, inject, onTestFinished } from 'vitest';
import { createApp } from '../../src/bootstrap';
import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { AdjustableClock } from './adjustable-clock';
import { DevWechatServer } from '../../src/dev/dev-wechat.server';
import { FakeWechatServer } from './fake-wechat.server';

export const TEST_APPID = 'wxtestappid0000001';
export const TEST_WECHAT_SECRET = 'test-wechat-app-secret-value';
export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';

export interface HttpResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/**
 * The environment of an app a test starts as a process of its own (`node dist/src/main.js`,
 * through cleanEnv): development mode, the test database, the test secrets and the WeChat fake
 * at `wechatApiBase`; `extra` adds to it or overrides it (the port, Redis, NODE_ENV…).
 */
export function processAppEnv(wechatApiBase: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DATABASE_URL: inject('databaseUrl'),
    JWT_SECRET: TEST_JWT_SECRET,
    WECHAT_APPID: TEST_APPID,
    WECHAT_SECRET: TEST_WECHAT_SECRET,
    WECHAT_API_BASE: wechatApiBase,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export interface RequestOptions {
  body?: unknown;
  /** A raw body sent as is (for malformed JSON and size tests). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  fake: FakeWechatServer;
  /** The app's clock: `clock.advance(ms)` moves the app's time (caches, expiries) forward. */
  clock: AdjustableClock;
  url: string;
  dataSource: DataSource;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** Logs a mini program user in through the real flow; returns the TokenPair body. */
  login(openid: string, extra?: Record<string, unknown>): Promise<any>;
  /** Empties every table (not the migrations) and resets the fake WeChat. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment for loadConfig (e.g. JWT_ACCESS_TTL). */
  env?: Record<string, string>;
  /** Share another test app's fake WeChat (two instances, one WeChat), or run against the development fake. */
  fake?: FakeWechatServer | DevWechatServer;
  /** Tweak the resolved config before the app is built. */
  configure?: (config: AppConfig) => void;
  /** Where the app's JSON log lines go (set LOG_LEVEL in env too: tests default to silent). */
  logDestination?: { write(line: string): void };
}

/** Boots the real AppModule on the test database and a strict fake WeChat, listening on 127.0.0.1. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownFake = !options.fake;
  // A development fake handed in serves logins only; tests that script WeChat use their own strict one.
  const fake = (options.fake ?? new FakeWechatServer({ appid: TEST_APPID, secret: TEST_WECHAT_SECRET })) as FakeWechatServer;
  if (ownFake) await fake.listen();
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    WECHAT_APPID: TEST_APPID,
    WECHAT_SECRET: TEST_WECHAT_SECRET,
    WECHAT_API_BASE: fake.url,
    // Generous: a busy CI machine must not turn a slow answer into a retry of a single-use
    // code. Tests of timeouts start their own app with a short one.
    WECHAT_TIMEOUT_MS: '3000',
    AUTH_RATE_LIMIT: '100000',
    // Tests seed and truncate behind the app's back; the goods count cache has its own test.
    GOODS_COUNT_CACHE_SECONDS: '0',
    ...options.env,
  });
  config.databaseUrl = inject('databaseUrl');
  options.configure?.(config);
  const clock = new AdjustableClock();
  const app = await createApp(config, { logDestination: options.logDestination, clock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const dataSource = app.get(DataSource);

  const request = async <T>(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization ??= `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) {
      body = opts.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  };

  return {
    app,
    config,
    fake,
    clock,
    url,
    dataSource,
    request,
    async login(openid, extra = {}) {
      const res = await request('POST', '/api/auth/wechat/login', { body: { code: fake.issueCode(openid), ...extra } });
      if (res.status !== 200) throw new Error(`login of ${openid} failed: ${res.status} ${res.text}`);
      return res.body;
    },
    async reset() {
      await truncateAll(dataSource);
      if (ownFake) fake.reset();
    },
    async close() {
      await app.close();
      if (ownFake) await fake.close();
    },
  };
}

/**
 * The usual e2e set-up in one line: one app for the file (started before its first test,
 * closed after its last), with the tables emptied and the fake WeChat reset before each
 * test. The returned handle is usable inside tests and hooks.
 */
export function useTestApp(options: TestAppOptions = {}): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await startTestApp(options);
  });
  beforeEach(async () => {
    await current!.reset();
  });
  afterAll(async () => {
    await current?.close();
  });
  return lazyHandle(() => current, 'the test app');
}

/**
 * A stand-in for something a `beforeAll` creates, usable wherever the real one is once the hook
 * has run (inside tests and later hooks): what the `use…()` set-up helpers return.
 */
export function lazyHandle<T extends object>(get: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const value = get();
      if (!value) throw new Error(`${what} starts in beforeAll: use it inside tests and hooks`);
      const member = Reflect.get(value, property);
      return typeof member === 'function' ? member.bind(value) : member;
    },
  });
}

/**
 * Another app started inside a test (a second instance, or one with other settings), closed
 * when the test finishes, passed or failed. The file's own app comes from useTestApp.
 */
export async function startTestAppForTest(options: TestAppOptions = {}): Promise<TestApp> {
  const app = await startTestApp(options);
  onTestFinished(() => app.close());
  return app;
}

/** Empties the data tables; `migrations` and `typeorm_metadata` describe the schema and stay. */
export async function truncateAll(dataSource: DataSource): Promise<void> {
  const tables: { tablename: string }[] = await dataSource.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'typeorm_metadata')`,
  );
  if (tables.length === 0) return;
  await dataSource.query(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}
