import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SharedCodeExchange } from './shared-code-exchange';
import { WechatBody, WechatHttpClient, ridOf } from './wechat-http.client';
import {
  WechatApiError,
  WechatCodeInvalidError,
  WechatCodeUsedError,
  WechatRateLimitedError,
  WechatUnavailableError,
  WechatUserBlockedError,
} from './wechat.errors';

export interface WechatSession {
  openid: string;
  sessionKey: string;
  unionid: string | null;
}

/**
 * WeChat's mini program API as our domain sees it.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
 */
@Injectable()
export class WechatService {
  private readonly logger = new Logger('WechatService');
  /**
   * Codes being traded by this instance right now: a double tap shares the one call (a code is
   * single-use at WeChat). Across instances, SharedCodeExchange does the same through Redis.
   */
  private readonly inFlight = new Map<string, Promise<WechatSession>>();

  constructor(
    private readonly http: WechatHttpClient,
    private readonly shared: SharedCodeExchange,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get appid(): string {
    return this.config.wechat.appid!;
  }

  code2Session(code: string): Promise<WechatSession> {
    const pending = this.inFlight.get(code);
    if (pending) return pending;
    const call = this.shared.run(code, () => this.exchange(code)).finally(() => this.inFlight.delete(code));
    this.inFlight.set(code, call);
    return call;
  }

  private async exchange(code: string): Promise<WechatSession> {
    const body = await this.http.call({
      name: 'jscode2session',
      path: '/sns/jscode2session',
      query: {
        appid: this.config.wechat.appid!,
        secret: this.config.wechat.secret!,
        js_code: code,
        grant_type: 'authorization_code',
      },
    });
    if (body.errcode) throw this.loginError(body);
    const { openid, session_key: sessionKey, unionid } = body as { openid?: unknown; session_key?: unknown; unionid?: unknown };
    if (typeof openid !== 'string' || !openid || typeof sessionKey !== 'string' || !sessionKey) {
      this.logger.error(`WeChat jscode2session answered without the expected fields rid=${ridOf(body)}`);
      throw new WechatUnavailableError();
    }
    return { openid, sessionKey, unionid: typeof unionid === 'string' && unionid ? unionid : null };
  }

  private loginError(body: WechatBody): Error {
    switch (body.errcode) {
      case 40029:
        return new WechatCodeInvalidError();
      case 40163:
        return new WechatCodeUsedError();
      case 45011:
        return new WechatRateLimitedError();
      case 40226:
        return new WechatUserBlockedError();
      default:
        this.logger.error(`WeChat jscode2session errcode ${body.errcode} rid=${ridOf(body)}`);
        return new WechatApiError(body.errcode!);
    }
  }
}
