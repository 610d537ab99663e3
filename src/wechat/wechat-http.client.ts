import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request as httpRequest } from 'undici';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WechatUnavailableError } from './wechat.errors';

/** What WeChat answers: HTTP 200 with an optional `errcode` in a JSON body (often served as text/plain). */
export interface WechatBody {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

export interface WechatRequest {
  /** Path below WECHAT_API_BASE, e.g. `/sns/jscode2session`. */
  path: string;
  /** Query parameters. Never logged: they carry the app secret, codes and access tokens. */
  query?: Record<string, string>;
  /** JSON body for a POST. Never logged. */
  body?: unknown;
  /** A short name for the log, e.g. `jscode2session`. */
  name: string;
}

/** Retries are spaced so that three attempts and their pauses fit in 3 × timeout + 1 s. */
const MAX_ATTEMPTS = 3;
const BACKOFF_MS = [150, 400];

class RetryableError extends Error {}

/**
 * The only code that talks HTTP to WeChat, in development, tests and production alike.
 * Timeouts, bounded retries with backoff on `-1`/5xx/network errors, JSON parsing whatever
 * the Content-Type, and logs that carry WeChat's `rid` but never a secret, code or token.
 */
@Injectable()
export class WechatHttpClient implements OnApplicationShutdown {
  private readonly logger = new Logger('WechatHttpClient');
  private readonly base: string;
  private readonly timeoutMs: number;
  /**
   * Keep-alive connections of our own (undici, which `fetch` is built on, without fetch's
   * WHATWG streams): a login does not pay a TCP and TLS handshake with WeChat each time.
   */
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.base = config.wechat.apiBase;
    this.timeoutMs = config.wechat.timeoutMs;
  }

  /**
   * After the HTTP server has closed, not in onModuleDestroy: Nest runs that before it stops
   * the server, so requests still in flight (a login waiting on WeChat, one whose body is still
   * arriving) would find the agent closed and answer 503 WECHAT_UNAVAILABLE.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  /**
   * Calls WeChat and returns its body, whose `errcode` may be non-zero: the caller maps
   * those. Throws WechatUnavailableError when WeChat stays busy or unreachable.
   */
  async call(request: WechatRequest): Promise<WechatBody> {
    const deadline = Date.now() + MAX_ATTEMPTS * this.timeoutMs + 1000;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - Date.now();
      try {
        return await this.attempt(request, Math.min(this.timeoutMs, remaining));
      } catch (err) {
        if (!(err instanceof RetryableError)) throw err;
        const pause = BACKOFF_MS[attempt - 1] ?? 0;
        const canRetry = attempt < MAX_ATTEMPTS && deadline - Date.now() - pause > 250;
        this.logger.warn(`WeChat ${request.name} attempt ${attempt} failed: ${err.message}${canRetry ? '; retrying' : ''}`);
        if (!canRetry) throw new WechatUnavailableError();
        await delay(pause);
      }
    }
  }

  private async attempt(request: WechatRequest, timeoutMs: number): Promise<WechatBody> {
    const url = new URL(this.base + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    let status: number;
    let text: string;
    const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
    try {
      const response = await httpRequest(url, {
        method: request.body === undefined ? 'GET' : 'POST',
        headers: request.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
        dispatcher: this.agent,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (err) {
      const e = err as Error & { code?: string; cause?: { code?: string } };
      const what = signal.aborted ? `timeout after ${timeoutMs} ms` : `network error ${e.code ?? e.cause?.code ?? e.name}`;
      throw new RetryableError(what);
    }
    if (status >= 500 || status === 429) throw new RetryableError(`HTTP ${status}`);
    if (status < 200 || status >= 300) {
      this.logger.error(`WeChat ${request.name} answered HTTP ${status}`);
      throw new RetryableError(`HTTP ${status}`);
    }
    let body: WechatBody;
    try {
      // WeChat serves JSON as text/plain, so the Content-Type is not trusted either way.
      body = JSON.parse(text) as WechatBody;
    } catch {
      throw new RetryableError('unparseable body');
    }
    if (typeof body !== 'object' || body === null) throw new RetryableError('unexpected body');
    if (body.errcode === -1) throw new RetryableError(`errcode -1 (system busy) rid=${ridOf(body)}`);
    if (body.errcode) {
      this.logger.warn(`WeChat ${request.name} answered errcode ${body.errcode} rid=${ridOf(body)}`);
    }
    return body;
  }
}

/** WeChat's request id, which its support asks for, is carried inside errmsg: "…, rid: 6405e2b7-…". */
export function ridOf(body: WechatBody): string {
  const match = /rid:\s*([\w-]+)/.exec(body.errmsg ?? '');
  return match ? match[1] : '-';
}
