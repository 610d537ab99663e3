import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** What a login code stands for. */
export interface WechatCodeEntry {
  openid?: string;
  unionid?: string;
  errcode?: number;
  rid?: string;
  used: boolean;
}

export interface WechatPhone {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string | number;
}

/**
 * A WeChat API stand-in on 127.0.0.1 that answers the way WeChat does: HTTP 200 with a JSON
 * body served as text/plain, `errcode`/`errmsg` with a `rid`. This class is the built-in
 * development fake that `npm start` runs when WECHAT_APPID is unset: every login code works
 * and maps to the openid `dev_<code>`, every phone code to a made-up number, and it never
 * answers an error. The tests' strict fake (test/support/fake-wechat.server.ts) extends it
 * with single-use codes and scripted failures, so the real client code runs in both.
 */
export class DevWechatServer {
  private server: Server | null = null;
  private accessToken: { token: string; expiresAt: number } | null = null;
  protected readonly sessionKeys = new Map<string, string>();
  /** Lifetime of access tokens from stable_token, in seconds. */
  accessTokenTtl = 7200;

  constructor(protected readonly credentials: { appid: string; secret: string }) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('fake WeChat is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  get listening(): boolean {
    return this.server !== null;
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

  /** The session_key handed out at this openid's latest login (what the mini program's encryptedData is sealed with). */
  sessionKeyOf(openid: string): string | undefined {
    return this.sessionKeys.get(openid);
  }

  /** The access token WeChat currently considers valid. */
  get currentAccessToken(): string | null {
    return this.accessToken && this.accessToken.expiresAt > Date.now() ? this.accessToken.token : null;
  }

  /** Makes WeChat forget the current access token, as when another server forced a refresh. */
  invalidateAccessToken(): void {
    this.accessToken = null;
  }

  /** What a login code stands for; the dev fake takes any code. */
  protected lookupLoginCode(code: string): WechatCodeEntry | undefined {
    return code ? { openid: devOpenidOf(code), used: false } : undefined;
  }

  /** Whether a spent code is refused (40163); the dev fake lets a code log in again. */
  protected get codesAreSingleUse(): boolean {
    return false;
  }

  /** The phone number of a getPhoneNumber code; the dev fake makes one up from the code. */
  protected lookupPhoneCode(code: string): WechatPhone | { errcode: number } | undefined {
    if (!code) return undefined;
    const digits = BigInt('0x' + createHash('sha256').update(code).digest('hex').slice(0, 12)).toString().slice(0, 8).padStart(8, '0');
    return { phoneNumber: `138${digits}`, purePhoneNumber: `138${digits}`, countryCode: '86' };
  }

  protected spendPhoneCode(_code: string): void {}

  /** Runs before every answer; true when it has answered the request itself. */
  protected async intercept(_req: IncomingMessage, _res: ServerResponse): Promise<boolean> {
    return false;
  }

  protected countCall(_call: 'jscode2session' | 'stableToken' | 'stableTokenForced' | 'phone'): void {}

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    if (await this.intercept(req, res)) return;
    if (!this.server) return; // closed while waiting

    switch (url.pathname) {
      case '/sns/jscode2session':
        return sendWechat(res, this.jscode2session(url.searchParams));
      case '/cgi-bin/stable_token':
        return sendWechat(res, this.stableToken(parseJson(raw)));
      case '/wxa/business/getuserphonenumber':
        return sendWechat(res, this.phone(url.searchParams.get('access_token'), parseJson(raw)));
      default:
        res.statusCode = 404;
        res.end('not found');
    }
  }

  private jscode2session(q: URLSearchParams): object {
    this.countCall('jscode2session');
    if (q.get('appid') !== this.credentials.appid || q.get('secret') !== this.credentials.secret) {
      return { errcode: 40125, errmsg: `invalid appsecret${wechatRid()}` };
    }
    if (q.get('grant_type') !== 'authorization_code') return { errcode: 40002, errmsg: `invalid grant_type${wechatRid()}` };
    const entry = this.lookupLoginCode(q.get('js_code') ?? '');
    if (!entry) return { errcode: 40029, errmsg: `invalid code${wechatRid()}` };
    if (entry.errcode) return { errcode: entry.errcode, errmsg: `error ${entry.errcode}${wechatRid(entry.rid)}` };
    if (entry.used && this.codesAreSingleUse) return { errcode: 40163, errmsg: `code been used${wechatRid()}` };
    entry.used = true;
    const sessionKey = randomBytes(16).toString('base64');
    this.sessionKeys.set(entry.openid!, sessionKey);
    return { session_key: sessionKey, openid: entry.openid, ...(entry.unionid ? { unionid: entry.unionid } : {}) };
  }

  private stableToken(body: Record<string, unknown> | null): object {
    this.countCall('stableToken');
    if (!body || body.grant_type !== 'client_credential' || body.appid !== this.credentials.appid || body.secret !== this.credentials.secret) {
      return { errcode: 40125, errmsg: `invalid appsecret${wechatRid()}` };
    }
    if (body.force_refresh === true) this.countCall('stableTokenForced');
    // Non-forced mode answers the token still valid; forced mode replaces it.
    if (!this.currentAccessToken || body.force_refresh === true) {
      this.accessToken = { token: `at_${randomBytes(24).toString('hex')}`, expiresAt: Date.now() + this.accessTokenTtl * 1000 };
    }
    const expiresIn = Math.max(0, Math.floor((this.accessToken!.expiresAt - Date.now()) / 1000));
    return { access_token: this.accessToken!.token, expires_in: expiresIn };
  }

  private phone(accessToken: string | null, body: Record<string, unknown> | null): object {
    this.countCall('phone');
    if (!accessToken || accessToken !== this.currentAccessToken) {
      return { errcode: 40001, errmsg: `invalid credential, access_token is invalid or not latest${wechatRid()}` };
    }
    const code = typeof body?.code === 'string' ? body.code : '';
    const entry = this.lookupPhoneCode(code);
    if (!entry) return { errcode: 40029, errmsg: `invalid code${wechatRid()}` };
    if ('errcode' in entry) return { errcode: entry.errcode, errmsg: `error${wechatRid()}` };
    this.spendPhoneCode(code);
    return {
      errcode: 0,
      errmsg: 'ok',
      phone_info: { ...entry, watermark: { timestamp: Math.floor(Date.now() / 1000), appid: this.credentials.appid } },
    };
  }

  protected clearState(): void {
    this.sessionKeys.clear();
    this.accessToken = null;
    this.accessTokenTtl = 7200;
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
function devOpenidOf(code: string): string {
  const readable = [...code].length <= DEV_READABLE_CODE_MAX && !/[\u0000-\u001f\u007f]/.test(code);
  return readable ? `dev_${code}` : `dev_${createHash('sha256').update(code, 'utf8').digest('hex')}`;
}

/** WeChat's request id as it appears at the end of errmsg: ", rid: 6405e2b7-2cc2b7a5". */
export function wechatRid(known?: string): string {
  return `, rid: ${known ?? `${randomUUID().slice(0, 8)}-${randomUUID().slice(0, 8)}`}`;
}

/** WeChat answers errors and successes alike with HTTP 200 and text/plain. */
export function sendWechat(res: ServerResponse, body: object): void {
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
