import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WechatBody, WechatHttpClient, WechatRequest, ridOf } from './wechat-http.client';
import { WechatTokenRepository, StoredAccessToken } from './wechat-token.repository';
import { WechatApiError, WechatUnavailableError } from './wechat.errors';

/** Renew this long before the token expires, so a token is never used at its last second. */
const RENEW_MARGIN_MS = 5 * 60_000;
/** A token this close to its end is not used at all: renewing it is no longer optional. */
const EXPIRY_SAFETY_MS = 30_000;
/**
 * stable_token in its normal mode hands back the current token while WeChat considers it
 * valid, also within our margin; ask again at most this often while the token still works.
 */
const MIN_RECHECK_MS = 60_000;

/** errcodes that mean "this access token is not (or no longer) valid". */
const INVALID_TOKEN_ERRCODES = new Set([40001, 42001, 40014]);
const CONFIRMABLE_ERRCODE = 40001;

/**
 * The app's WeChat access token (cgi-bin/stable_token), shared by every instance through
 * the database: one row per AppID, renewed shortly before it expires.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html
 *
 * - Inside an instance, concurrent renewals share one call (single-flight).
 * - Across instances, renewal happens under a PostgreSQL advisory lock; whoever waited
 *   re-reads the row and uses the token the first one stored.
 * - When WeChat refuses a token (40001/42001), it is marked expired only if it is still
 *   the stored one (another instance may have replaced it already), a token is fetched
 *   again in the normal mode and the call is retried once. `force_refresh` (20 a day,
 *   and it invalidates the token every other instance uses) is used only for a confirmed
 *   40001: WeChat refused the token and stable_token hands the very same one back.
 *
 * The token is read from the database at each use (a primary-key lookup), never cached
 * in memory, so an instance never keeps using a token another instance has replaced.
 */
@Injectable()
export class WechatAccessTokenService {
  private readonly logger = new Logger('WechatAccessToken');
  private readonly renewals = new Map<string, Promise<string>>();

  constructor(
    private readonly http: WechatHttpClient,
    private readonly tokens: WechatTokenRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private get appid(): string {
    return this.config.wechat.appid!;
  }

  /** A valid access token, renewed first when it is due. */
  async getToken(): Promise<string> {
    const stored = await this.tokens.find(this.appid);
    if (stored && !this.needsRenewal(stored)) return stored.token;
    return this.renew(null);
  }

  /**
   * Calls a WeChat API that takes `access_token` in its query. When WeChat says the token
   * is invalid or expired, renews it (see the class comment) and retries once; the second
   * answer is returned whatever it is.
   */
  async callWithToken(request: (accessToken: string) => WechatRequest): Promise<WechatBody> {
    const token = await this.getToken();
    const first = await this.http.call(request(token));
    if (!INVALID_TOKEN_ERRCODES.has(first.errcode ?? 0)) return first;
    this.logger.warn(`WeChat refused the access token (errcode ${first.errcode} rid=${ridOf(first)}); renewing and retrying once`);
    await this.tokens.expireIfCurrent(this.appid, token);
    const renewed = await this.renew({ token, confirmable: first.errcode === CONFIRMABLE_ERRCODE });
    return this.http.call(request(renewed));
  }

  /** Due: too close to its end, unless we asked WeChat a moment ago and it still works. */
  private needsRenewal(stored: StoredAccessToken): boolean {
    const now = this.clock.now();
    const expiresAt = stored.expiresAt.getTime();
    if (expiresAt - EXPIRY_SAFETY_MS <= now) return true;
    if (expiresAt - RENEW_MARGIN_MS > now) return false;
    return stored.fetchedAt.getTime() + MIN_RECHECK_MS <= now;
  }

  /** Single-flight per refused token (or none): callers that need the same renewal share it. */
  private renew(refused: { token: string; confirmable: boolean } | null): Promise<string> {
    const key = refused ? `refused:${refused.token}:${refused.confirmable}` : 'due';
    const pending = this.renewals.get(key);
    if (pending) return pending;
    const renewal = this.renewLocked(refused).finally(() => this.renewals.delete(key));
    this.renewals.set(key, renewal);
    return renewal;
  }

  private renewLocked(refused: { token: string; confirmable: boolean } | null): Promise<string> {
    return this.tokens.withLock(this.appid, async (row) => {
      // Another instance (or an earlier renewal here) may have stored a fresh token while we waited.
      const current = await row.read();
      if (current && !this.needsRenewal(current) && current.token !== refused?.token) return current.token;

      let fetched = await this.fetch(false);
      if (refused?.confirmable && fetched.token === refused.token) {
        // Confirmed 40001: WeChat refuses the token that its normal mode still hands out.
        this.logger.warn('WeChat refused the access token that stable_token still returns: forcing a refresh');
        fetched = await this.fetch(true);
      }
      await row.write(fetched);
      return fetched.token;
    });
  }

  private async fetch(forceRefresh: boolean): Promise<StoredAccessToken> {
    const body = await this.http.call({
      name: forceRefresh ? 'stable_token(force_refresh)' : 'stable_token',
      path: '/cgi-bin/stable_token',
      body: {
        grant_type: 'client_credential',
        appid: this.appid,
        secret: this.config.wechat.secret!,
        ...(forceRefresh ? { force_refresh: true } : {}),
      },
    });
    if (body.errcode) {
      this.logger.error(`WeChat stable_token errcode ${body.errcode} rid=${ridOf(body)}`);
      throw new WechatApiError(body.errcode);
    }
    const { access_token: token, expires_in: expiresIn } = body as { access_token?: unknown; expires_in?: unknown };
    if (typeof token !== 'string' || !token || typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      this.logger.error(`WeChat stable_token answered without a usable access_token rid=${ridOf(body)}`);
      throw new WechatUnavailableError();
    }
    const now = this.clock.now();
    return { token, expiresAt: new Date(now + expiresIn * 1000), fetchedAt: new Date(now) };
  }
}
