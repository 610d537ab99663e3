import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeWechatOptions {
  appid: string;
  secret: string;
  /**
   * `dev`: every login code works and maps to the openid `dev_<code>` (see devOpenidOf; the
   * built-in development fake). `strict`: codes must be registered and are single-use, like WeChat.
   */
  mode: 'dev' | 'strict';
}

export interface FakePhone {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string | number;
}

/**
 * A scripted failure for the next calls: WeChat busy (-1), an HTTP 5xx, an answer slower
 * than the client's timeout, or an errcode answer (e.g. 40001 for an access token WeChat
 * refuses although stable_token still hands it out, or 42001 expired). `rid` fixes the
 * request id WeChat puts in errmsg (random otherwise), for tests that look for it in the logs.
 */
export type FakeFailure =
  | { kind: 'busy'; rid?: string }
  | { kind: 'http'; status: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'garbage' }
  | { kind: 'errcode'; errcode: number; rid?: string };

interface CodeEntry {
  openid?: string;
  unionid?: string;
  errcode?: number;
  rid?: string;
  used: boolean;
}

/**
 * A WeChat API stand-in on 127.0.0.1 that answers the way WeChat does: HTTP 200 with a
 * JSON body served as text/plain, `errcode`/`errmsg` with a `rid`, single-use login
 * codes. The same class serves logins in development (mode `dev`) and plays WeChat in
 * the tests (mode `strict`), so the real client code runs in both.
 */
export class FakeWechatServer {
  private server: Server | null = null;
  private readonly codes = new Map<string, CodeEntry>();
  private readonly phoneCodes = new Map<string, FakePhone | { errcode: number }>();
  private readonly sessionKeys = new Map<string, string>();
  private readonly failures: FakeFailure[] = [];
  private accessToken: { token: string; expiresAt: number } | null = null;
  readonly calls = { jscode2session: 0, stableToken: 0, stableTokenForced: 0, phone: 0 };
  /** Lifetime of access tokens from stable_token, in seconds. */
  accessTokenTtl = 7200;
  /** Artificial latency added to every answer, in ms. */
  latencyMs = 0;

  constructor(private readonly options: FakeWechatOptions) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('fake WeChat is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets codes, failures and counters (between tests). */
  reset(): void {
    this.codes.clear();
    this.phoneCodes.clear();
    this.sessionKeys.clear();
    this.failures.length = 0;
    this.accessToken = null;
    this.latencyMs = 0;
    this.accessTokenTtl = 7200;
    for (const key of Object.keys(this.calls) as (keyof typeof this.calls)[]) this.calls[key] = 0;
  }

  /** A fresh single-use login code for this openid, as wx.login would hand out. */
  issueCode(openid: string, unionid?: string): string {
    const code = `c${randomBytes(12).toString('hex')}`;
    this.codes.set(code, { openid, unionid, used: false });
    return code;
  }

  /** A code whose exchange answers this errcode (40029, 40163, 45011, 40226, …), with this rid if given. */
  codeFailingWith(errcode: number, rid?: string): string {
    const code = `e${randomBytes(12).toString('hex')}`;
    this.codes.set(code, { errcode, rid, used: false });
    return code;
  }

  /** The session_key handed out at this openid's latest login (what the mini program's encryptedData is sealed with). */
  sessionKeyOf(openid: string): string | undefined {
    return this.sessionKeys.get(openid);
  }

  issuePhoneCode(phone: FakePhone): string {
    const code = `p${randomBytes(12).toString('hex')}`;
    this.phoneCodes.set(code, phone);
    return code;
  }

  /** The next calls fail this way, in order. */
  failNext(...failures: FakeFailure[]): void {
    this.failures.push(...failures);
  }

  /** The access token WeChat currently considers valid. */
  get currentAccessToken(): string | null {
    return this.accessToken && this.accessToken.expiresAt > Date.now() ? this.accessToken.token : null;
  }

  /** Makes WeChat forget the current access token, as when another server forced a refresh. */
  invalidateAccessToken(): void {
    this.accessToken = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    const failure = this.failures.shift();
    if (failure?.kind === 'slow') await new Promise((r) => setTimeout(r, failure.ms));
    else if (failure?.kind === 'busy') return send(res, { errcode: -1, errmsg: `system error${rid(failure.rid)}` });
    else if (failure?.kind === 'http') {
      res.statusCode = failure.status;
      res.end('<html>Bad Gateway</html>');
      return;
    } else if (failure?.kind === 'errcode') {
      return send(res, { errcode: failure.errcode, errmsg: `error ${failure.errcode}${rid(failure.rid)}` });
    } else if (failure?.kind === 'garbage') {
      res.setHeader('content-type', 'text/plain');
      res.end('<html>not json</html>');
      return;
    }
    if (!this.server) return; // closed while waiting

    switch (url.pathname) {
      case '/sns/jscode2session':
        return send(res, this.jscode2session(url.searchParams));
      case '/cgi-bin/stable_token':
        return send(res, this.stableToken(parseJson(raw)));
      case '/wxa/business/getuserphonenumber':
        return send(res, this.phone(url.searchParams.get('access_token'), parseJson(raw)));
      default:
        res.statusCode = 404;
        res.end('not found');
    }
  }

  private jscode2session(q: URLSearchParams): object {
    this.calls.jscode2session++;
    if (q.get('appid') !== this.options.appid || q.get('secret') !== this.options.secret) {
      return { errcode: 40125, errmsg: `invalid appsecret${rid()}` };
    }
    if (q.get('grant_type') !== 'authorization_code') return { errcode: 40002, errmsg: `invalid grant_type${rid()}` };
    const code = q.get('js_code') ?? '';
    let entry = this.codes.get(code);
    if (!entry && this.options.mode === 'dev' && code) {
      entry = { openid: devOpenidOf(code), used: false };
    }
    if (!entry) return { errcode: 40029, errmsg: `invalid code${rid()}` };
    if (entry.errcode) return { errcode: entry.errcode, errmsg: `error ${entry.errcode}${rid(entry.rid)}` };
    if (entry.used && this.options.mode === 'strict') return { errcode: 40163, errmsg: `code been used${rid()}` };
    entry.used = true;
    const sessionKey = randomBytes(16).toString('base64');
    this.sessionKeys.set(entry.openid!, sessionKey);
    return { session_key: sessionKey, openid: entry.openid, ...(entry.unionid ? { unionid: entry.unionid } : {}) };
  }

  private stableToken(body: Record<string, unknown> | null): object {
    this.calls.stableToken++;
    if (!body || body.grant_type !== 'client_credential' || body.appid !== this.options.appid || body.secret !== this.options.secret) {
      return { errcode: 40125, errmsg: `invalid appsecret${rid()}` };
    }
    if (body.force_refresh === true) this.calls.stableTokenForced++;
    // Non-forced mode answers the token still valid; forced mode replaces it.
    if (!this.currentAccessToken || body.force_refresh === true) {
      this.accessToken = { token: `at_${randomBytes(24).toString('hex')}`, expiresAt: Date.now() + this.accessTokenTtl * 1000 };
    }
    const expiresIn = Math.max(0, Math.floor((this.accessToken!.expiresAt - Date.now()) / 1000));
    return { access_token: this.accessToken!.token, expires_in: expiresIn };
  }

  private phone(accessToken: string | null, body: Record<string, unknown> | null): object {
    this.calls.phone++;
    if (!accessToken || accessToken !== this.currentAccessToken) {
      return { errcode: 40001, errmsg: `invalid credential, access_token is invalid or not latest${rid()}` };
    }
    const code = typeof body?.code === 'string' ? body.code : '';
    let entry = this.phoneCodes.get(code);
    if (!entry && this.options.mode === 'dev' && code) {
      const digits = BigInt('0x' + createHash('sha256').update(code).digest('hex').slice(0, 12)).toString().slice(0, 8).padStart(8, '0');
      entry = { phoneNumber: `138${digits}`, purePhoneNumber: `138${digits}`, countryCode: '86' };
    }
    if (!entry) return { errcode: 40029, errmsg: `invalid code${rid()}` };
    if ('errcode' in entry) return { errcode: entry.errcode, errmsg: `error${rid()}` };
    if (this.options.mode === 'strict') this.phoneCodes.set(code, { errcode: 40029 });
    return {
      errcode: 0,
      errmsg: 'ok',
      phone_info: { ...entry, watermark: { timestamp: Math.floor(Date.now() / 1000), appid: this.options.appid } },
    };
  }
}

/** Codes up to this many characters keep the readable openid `dev_<code>`. */
const DEV_READABLE_CODE_MAX = 100;

/**
 * The dev fake's openid of a login code: `dev_<code>` for ordinary codes, so one code always
 * means one user and the openid tells which. A code longer than 100 characters (the API
 * takes up to 128) or holding a control character becomes `dev_` + the hex SHA-256 of the
 * code (68 characters): still one user per code, and it fits the openid column (128).
 */
export function devOpenidOf(code: string): string {
  const readable = [...code].length <= DEV_READABLE_CODE_MAX && !/[\u0000-\u001f\u007f]/.test(code);
  return readable ? `dev_${code}` : `dev_${createHash('sha256').update(code, 'utf8').digest('hex')}`;
}

/** WeChat's request id as it appears at the end of errmsg: ", rid: 6405e2b7-2cc2b7a5". */
function rid(known?: string): string {
  return `, rid: ${known ?? `${randomUUID().slice(0, 8)}-${randomUUID().slice(0, 8)}`}`;
}

function send(res: ServerResponse, body: object): void {
  // WeChat answers errors and successes alike with HTTP 200 and text/plain.
  res.statusCode = 200;
  res.setHeader('content-type', 'text/plain');
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}
