import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FakeWechatServer } from '../fake-wechat.server';

/** The methods wx.request accepts: no PATCH (https://developers.weixin.qq.com/miniprogram/dev/api/network/request/wx.request.html). */
export const WX_REQUEST_METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

type Callbacks<T> = { success?: (res: T) => void; fail?: (err: { errMsg: string }) => void; complete?: (res: unknown) => void };

export interface WxRequestOptions extends Callbacks<WxResponse> {
  url: string;
  method?: string;
  data?: unknown;
  header?: Record<string, string>;
  timeout?: number;
  dataType?: string;
}

export interface WxUploadOptions extends Callbacks<WxUploadResponse> {
  url: string;
  filePath: string;
  name: string;
  formData?: Record<string, unknown>;
  header?: Record<string, string>;
  timeout?: number;
}

export interface WxResponse {
  data: unknown;
  statusCode: number;
  header: Record<string, string>;
  cookies: string[];
  errMsg: string;
}

/** wx.uploadFile answers only these: `data` is always the body as a string. */
export interface WxUploadResponse {
  data: string;
  statusCode: number;
  errMsg: string;
}

/** What the mini program sent and got, as the shim saw it. */
export interface ShimExchange {
  api: 'request' | 'uploadFile';
  method: string;
  url: string;
  path: string;
  authorization: string | undefined;
  status: number;
  body: unknown;
  /** X-Request-Id of the answer (wx.uploadFile does not show headers). */
  requestId: string | null;
}

/**
 * Timers for the code under test. Waits of at least `virtualFrom` ms (back-off honouring
 * Retry-After) are recorded and skipped, after `onVirtualWait` has let that much time pass
 * wherever the test needs it; shorter ones are real.
 */
export class ShimClock {
  readonly virtualWaits: number[] = [];

  constructor(private readonly options: { virtualFrom?: number; onVirtualWait?: (ms: number) => void | Promise<void> } = {}) {}

  readonly setTimeout = (fn: () => void, ms = 0): unknown => {
    if (this.options.virtualFrom !== undefined && ms >= this.options.virtualFrom) {
      this.virtualWaits.push(ms);
      void Promise.resolve(this.options.onVirtualWait?.(ms)).then(() => nextTurn().then(fn));
      return 0;
    }
    return setTimeout(fn, ms);
  };
}

export interface WxShimOptions {
  fake: FakeWechatServer;
  /** Who this phone's WeChat user is: wx.login hands out codes the fake WeChat maps to it. */
  openid: string;
  /** The phone's storage; pass one Map to several shims for one device. */
  storage?: Map<string, string>;
}

/**
 * `wx` in Node, close enough to WeChat's for the kit and the example pages: wx.login gets
 * codes from the strict fake WeChat, wx.request and wx.uploadFile make real HTTP calls and
 * answer with WeChat's callback shapes, storage is a Map of serialised values, and the UI
 * calls are recorded.
 */
export class WxShim {
  readonly storage: Map<string, string>;
  readonly calls = { login: 0, checkSession: 0, request: 0, uploadFile: 0 };
  /** Codes wx.login hands out next (spent or forged ones), before fresh ones. */
  readonly queuedCodes: string[] = [];
  /** What wx.checkSession says about WeChat's session. */
  sessionValid = true;
  readonly exchanges: ShimExchange[] = [];
  /** UI calls (showToast, navigateTo, …) in order. */
  readonly ui: { api: string; options: any }[] = [];
  /** Sees each answer before the mini program does; return a promise to hold it back. */
  onResponse: ((exchange: ShimExchange) => void | Promise<void>) | null = null;
  openid: string;
  readonly wx: Record<string, (...args: any[]) => any>;

  constructor(private readonly options: WxShimOptions) {
    this.storage = options.storage ?? new Map();
    this.openid = options.openid;
    const ui = (api: string) => (opts: any = {}) => {
      this.ui.push({ api, options: opts });
      void nextTurn().then(() => {
        opts.success?.({ errMsg: `${api}:ok` });
        opts.complete?.({ errMsg: `${api}:ok` });
      });
    };
    this.wx = {
      login: (opts: Callbacks<{ code: string; errMsg: string }>) => this.login(opts),
      checkSession: (opts: Callbacks<{ errMsg: string }>) => this.checkSession(opts),
      request: (opts: WxRequestOptions) => this.request(opts),
      uploadFile: (opts: WxUploadOptions) => this.uploadFile(opts),
      getStorageSync: (key: string) => this.readStorage(key),
      setStorageSync: (key: string, value: unknown) => this.writeStorage(key, value),
      removeStorageSync: (key: string) => void this.storage.delete(key),
      showToast: ui('showToast'),
      showLoading: ui('showLoading'),
      hideLoading: ui('hideLoading'),
      showModal: ui('showModal'),
      navigateTo: ui('navigateTo'),
      redirectTo: ui('redirectTo'),
      reLaunch: ui('reLaunch'),
      stopPullDownRefresh: ui('stopPullDownRefresh'),
    };
  }

  /** WeChat keeps storage serialised: what comes back is a copy, and `undefined` reads as ''. */
  readStorage(key: string): any {
    const raw = this.storage.get(key);
    return raw === undefined ? '' : JSON.parse(raw);
  }

  writeStorage(key: string, value: unknown): void {
    this.storage.set(key, JSON.stringify(value));
  }

  /** Answers to the kit's calls to this path, in order (status 0: no answer). */
  exchangesTo(path: string): ShimExchange[] {
    return this.exchanges.filter((e) => e.path === path);
  }

  private login(opts: Callbacks<{ code: string; errMsg: string }>): void {
    this.calls.login++;
    const code = this.queuedCodes.shift() ?? this.options.fake.issueCode(this.openid);
    void nextTurn().then(() => opts.success?.({ code, errMsg: 'login:ok' }));
  }

  private checkSession(opts: Callbacks<{ errMsg: string }>): void {
    this.calls.checkSession++;
    const valid = this.sessionValid;
    void nextTurn().then(() => (valid ? opts.success?.({ errMsg: 'checkSession:ok' }) : opts.fail?.({ errMsg: 'checkSession:fail session expired' })));
  }

  private request(opts: WxRequestOptions): { abort(): void } {
    this.calls.request++;
    const controller = new AbortController();
    void (async () => {
      const method = (opts.method ?? 'GET').toUpperCase();
      if (!WX_REQUEST_METHODS.includes(method)) {
        await nextTurn();
        return this.fail('request', opts, `request:fail invalid method: ${method}`);
      }
      const headers: Record<string, string> = { 'content-type': 'application/json', ...lowerKeys(opts.header ?? {}) };
      let url = opts.url;
      let body: string | undefined;
      if (method === 'GET') {
        const query = typeof opts.data === 'string' ? opts.data : toQuery(opts.data);
        if (query) url += (url.includes('?') ? '&' : '?') + query;
      } else if (opts.data !== undefined) {
        body = typeof opts.data === 'string' ? opts.data : headers['content-type'].includes('json') ? JSON.stringify(opts.data) : toQuery(opts.data);
      }
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, { method, headers, body, signal: anySignal(controller.signal, opts.timeout ?? 60_000) });
        text = await res.text();
      } catch (err) {
        return this.fail('request', opts, `request:fail ${(err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message}`);
      }
      let data: unknown = text;
      if ((opts.dataType ?? 'json') === 'json') {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      const response: WxResponse = { data, statusCode: res.status, header: Object.fromEntries(res.headers), cookies: [], errMsg: 'request:ok' };
      await this.deliver('request', method, url, headers.authorization, res.status, data, res.headers.get('x-request-id'));
      opts.success?.(response);
      opts.complete?.(response);
    })();
    return { abort: () => controller.abort() };
  }

  private uploadFile(opts: WxUploadOptions): { abort(): void; onProgressUpdate(): void; onHeadersReceived(): void } {
    this.calls.uploadFile++;
    const controller = new AbortController();
    void (async () => {
      const headers = lowerKeys(opts.header ?? {});
      delete headers['content-type']; // multipart with its boundary, as WeChat sends it
      let res: Response;
      let text: string;
      try {
        const form = new FormData();
        for (const [key, value] of Object.entries(opts.formData ?? {})) form.append(key, String(value));
        const bytes = await readFile(opts.filePath);
        form.append(opts.name, new Blob([bytes], { type: IMAGE_TYPES[extname(opts.filePath).toLowerCase()] ?? 'application/octet-stream' }), basename(opts.filePath));
        res = await fetch(opts.url, { method: 'POST', headers, body: form, signal: anySignal(controller.signal, opts.timeout ?? 60_000) });
        text = await res.text();
      } catch (err) {
        return this.fail('uploadFile', opts, `uploadFile:fail ${(err as Error).message}`);
      }
      const response: WxUploadResponse = { data: text, statusCode: res.status, errMsg: 'uploadFile:ok' };
      await this.deliver('uploadFile', 'POST', opts.url, headers.authorization, res.status, safeJson(text), null);
      opts.success?.(response);
      opts.complete?.(response);
    })();
    return { abort: () => controller.abort(), onProgressUpdate: () => {}, onHeadersReceived: () => {} };
  }

  private async deliver(
    api: ShimExchange['api'],
    method: string,
    url: string,
    authorization: string | undefined,
    status: number,
    body: unknown,
    requestId: string | null,
  ) {
    const exchange: ShimExchange = { api, method, url, path: new URL(url).pathname, authorization, status, body, requestId };
    this.exchanges.push(exchange);
    await this.onResponse?.(exchange);
  }

  private fail(api: ShimExchange['api'], opts: Callbacks<never> & { url: string; method?: string }, errMsg: string): void {
    const url = opts.url;
    const path = URL.canParse(url) ? new URL(url).pathname : url;
    this.exchanges.push({ api, method: opts.method ?? 'POST', url, path, authorization: undefined, status: 0, body: null, requestId: null });
    opts.fail?.({ errMsg });
    opts.complete?.({ errMsg });
  }
}

const IMAGE_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif' };

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/** WeChat turns GET data into `encodeURIComponent(k)=encodeURIComponent(v)&…`. */
function toQuery(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  return Object.entries(data as Record<string, unknown>)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function anySignal(signal: AbortSignal, timeoutMs: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
}
