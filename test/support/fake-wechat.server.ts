import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DevWechatServer, sendWechat, WechatCodeEntry, WechatPhone, wechatRid } from '../../src/dev/dev-wechat.server';

export type FakePhone = WechatPhone;

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

/**
 * WeChat as the tests need it: codes must be issued (as wx.login would) and are single-use,
 * phone codes too, failures can be scripted and calls are counted. The protocol (text/plain
 * JSON, errcode, rid, access tokens) is the development fake's, which it extends.
 */
export class FakeWechatServer extends DevWechatServer {
  private readonly codes = new Map<string, WechatCodeEntry>();
  private readonly phoneCodes = new Map<string, FakePhone | { errcode: number }>();
  private readonly failures: FakeFailure[] = [];
  readonly calls = { jscode2session: 0, stableToken: 0, stableTokenForced: 0, phone: 0 };
  /** Artificial latency added to every answer, in ms. */
  latencyMs = 0;

  constructor(options: { appid: string; secret: string }) {
    super(options);
  }

  /** Forgets codes, failures and counters (between tests). */
  reset(): void {
    this.codes.clear();
    this.phoneCodes.clear();
    this.failures.length = 0;
    this.latencyMs = 0;
    this.clearState();
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

  issuePhoneCode(phone: FakePhone): string {
    const code = `p${randomBytes(12).toString('hex')}`;
    this.phoneCodes.set(code, phone);
    return code;
  }

  /** The next calls fail this way, in order. */
  failNext(...failures: FakeFailure[]): void {
    this.failures.push(...failures);
  }

  protected override lookupLoginCode(code: string): WechatCodeEntry | undefined {
    return this.codes.get(code);
  }

  protected override get codesAreSingleUse(): boolean {
    return true;
  }

  protected override lookupPhoneCode(code: string): FakePhone | { errcode: number } | undefined {
    return this.phoneCodes.get(code);
  }

  protected override spendPhoneCode(code: string): void {
    this.phoneCodes.set(code, { errcode: 40029 });
  }

  protected override countCall(call: keyof FakeWechatServer['calls']): void {
    this.calls[call]++;
  }

  protected override async intercept(_req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const failure = this.failures.shift();
    if (failure?.kind === 'slow') await new Promise((r) => setTimeout(r, failure.ms));
    else if (failure?.kind === 'busy') return (sendWechat(res, { errcode: -1, errmsg: `system error${wechatRid(failure.rid)}` }), true);
    else if (failure?.kind === 'http') {
      res.statusCode = failure.status;
      res.end('<html>Bad Gateway</html>');
      return true;
    } else if (failure?.kind === 'errcode') {
      return (sendWechat(res, { errcode: failure.errcode, errmsg: `error ${failure.errcode}${wechatRid(failure.rid)}` }), true);
    } else if (failure?.kind === 'garbage') {
      res.setHeader('content-type', 'text/plain');
      res.end('<html>not json</html>');
      return true;
    }
    return !this.listening; // closed while waiting: answer nothing
  }
}
