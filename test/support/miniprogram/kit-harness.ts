import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt, signJwt } from '../jwt';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { lazyHandle, TEST_JWT_SECRET, type TestApp, type TestAppOptions, useTestApp } from '../test-app';
import { MiniprogramRuntime, type KitApi, type KitModule } from './runtime';
import { ShimClock, WxShim } from './wx-shim';

export const STORAGE_KEY = 'wxmall.auth';

export interface ServerRequest {
  method: string;
  path: string;
  /** null until the answer is sent. */
  status: number | null;
  /** The answer's `code`, for error answers. */
  code: string | null;
}

/**
 * Every request the app's HTTP server receives, counted at the server (not in the client
 * under test): a listener beside Fastify's on the Node server, reading the answer as it is
 * written.
 */
export class ServerRequestLog {
  readonly requests: ServerRequest[] = [];
  private readonly listener = (req: IncomingMessage, res: ServerResponse) => {
    const entry: ServerRequest = { method: req.method ?? '', path: (req.url ?? '').split('?')[0], status: null, code: null };
    this.requests.push(entry);
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const chunk = args[0];
      if (res.statusCode >= 400 && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
        try {
          entry.code = JSON.parse(chunk.toString()).code ?? null;
        } catch {
          entry.code = null;
        }
      }
      return end(...args);
    }) as ServerResponse['end'];
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
  };

  constructor(private readonly t: TestApp) {
    t.app.getHttpServer().on('request', this.listener);
  }

  to(method: string, path: string): ServerRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  clear(): void {
    this.requests.length = 0;
  }

  stop(): void {
    this.t.app.getHttpServer().off('request', this.listener);
  }
}

export interface Phone {
  shim: WxShim;
  clock: ShimClock;
  runtime: MiniprogramRuntime;
  kit: KitModule;
  api: KitApi;
}

export interface PhoneOptions {
  openid: string;
  /** Share a phone's storage (two copies of the kit, or two pages of one mini program). */
  storage?: Map<string, string>;
  clock?: ShimClock;
  apiOptions?: Record<string, unknown>;
}

/** A phone running the kit against this app: its own wx shim and realm, one createApi(). */
export function phone(t: TestApp, options: PhoneOptions): Phone {
  const shim = new WxShim({ fake: t.fake, openid: options.openid, storage: options.storage });
  const clock = options.clock ?? new ShimClock();
  const runtime = new MiniprogramRuntime({ shim, clock });
  const kit = runtime.loadKit();
  const api = kit.createApi({ baseUrl: t.url, wx: shim.wx as any, storageKey: STORAGE_KEY, ...options.apiOptions });
  return { shim, clock, runtime, kit, api };
}

export interface StoredPair {
  accessToken: string;
  refreshToken: string;
}

export function storedPair(shim: WxShim, key = STORAGE_KEY): StoredPair | null {
  const value = shim.readStorage(key);
  return value || null;
}

/**
 * Replaces the stored access token with the same token expired an hour ago (same user and
 * session, signed with the app's secret), as if the phone had slept past its lifetime.
 */
export function expireStoredAccessToken(shim: WxShim, key = STORAGE_KEY): string {
  const pair = storedPair(shim, key);
  if (!pair) throw new Error('no stored pair to expire');
  const now = Math.floor(Date.now() / 1000);
  const expired = signJwt({ ...decodeJwt(pair.accessToken), iat: now - 7200, exp: now - 3600 }, TEST_JWT_SECRET);
  shim.writeStorage(key, { ...pair, accessToken: expired });
  return expired;
}

/** The session (token family) behind an access token, as stored. */
export async function sessionOf(t: TestApp, accessToken: string): Promise<{ revoked: boolean; tokens: number; spent: number }> {
  const { sid } = decodeJwt(accessToken);
  const [row] = await t.dataSource.query(
    `SELECT s.revoked_at IS NOT NULL AS revoked, count(rt.token_hash)::int AS tokens, count(rt.spent_at)::int AS spent
       FROM sessions s LEFT JOIN refresh_tokens rt ON rt.session_id = s.id
      WHERE s.id = $1 GROUP BY s.id`,
    [sid],
  );
  if (!row) throw new Error(`no session ${sid}`);
  return row;
}

/** Resolves once `condition` holds; polls instead of sleeping a fixed time. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise the test settles by hand (to hold an answer back). */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** The rejection of `promise`, or a failure when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * The usual set-up of a kit test file: one test app (useTestApp) and a log of the requests it
 * serves, emptied before each test.
 */
export function useKitServer(options: TestAppOptions = {}): { t: TestApp; server: ServerRequestLog } {
  const t = useTestApp(options);
  let log: ServerRequestLog | undefined;
  beforeAll(() => {
    log = new ServerRequestLog(t);
  });
  beforeEach(() => log!.clear());
  afterAll(() => log?.stop());
  const server = lazyHandle(() => log, 'the request log');
  return { t, server };
}
