import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { SecretBox } from '../common/crypto/secret-box';
import { DomainError } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import {
  WechatApiError,
  WechatCodeInvalidError,
  WechatCodeUsedError,
  WechatRateLimitedError,
  WechatUnavailableError,
  WechatUserBlockedError,
} from './wechat.errors';
import type { WechatSession } from './wechat.service';

/**
 * How long WeChat's answer about a code is shared after it came: long enough for the other half
 * of a double tap that a load balancer sent to another instance (a tap lands within a second or
 * two of the other), short enough that a code replayed later is spent, as on one instance: the
 * exchange then reaches WeChat, which answers 40163 (WECHAT_CODE_USED). Keeping it for the code's
 * whole five-minute life would let a replayed code open new sessions.
 */
export const CODE_RESULT_TTL_MS = 10_000;
/**
 * A failure that may pass (WeChat busy or rate limiting) is kept only for those waiting on it
 * now: a client that retries the same code later asks WeChat again.
 */
export const TRANSIENT_RESULT_TTL_MS = 5_000;
/** How often an instance waiting for another one's exchange looks for its result. */
const POLL_MS = 25;

/** The answers shared with the other instances; any other failure is not, and the waiter asks WeChat itself. */
const FINAL_ERRORS: Record<string, (errcode?: number) => DomainError> = {
  WECHAT_CODE_INVALID: () => new WechatCodeInvalidError(),
  WECHAT_CODE_USED: () => new WechatCodeUsedError(),
  WECHAT_USER_BLOCKED: () => new WechatUserBlockedError(),
  WECHAT_ERROR: (errcode) => new WechatApiError(errcode ?? 0),
};
const TRANSIENT_ERRORS: Record<string, () => DomainError> = {
  WECHAT_RATE_LIMITED: () => new WechatRateLimitedError(),
  WECHAT_UNAVAILABLE: () => new WechatUnavailableError(),
};

/** What is stored (sealed) about a code: WeChat's session, or the error it answered. */
type Outcome = { session: WechatSession } | { error: string; errcode?: number };

/**
 * One jscode2session per code across every instance (with Redis). A code is single-use at
 * WeChat, so a double tap split by the load balancer would otherwise answer WECHAT_CODE_USED on
 * one instance. The first instance to take a short lock (SET NX PX) asks WeChat and keeps the
 * outcome for the code's life; the others wait for that outcome (polling, within a bound) and
 * answer as the first did, errors included.
 *
 * Redis sees neither the code nor the session_key: keys carry a SHA-256 of the code (with
 * REDIS_KEY_PREFIX), and the outcome is sealed with the data key (SecretBox, bound to that
 * hash). Without Redis, or the moment it fails, each instance asks WeChat itself (its own
 * in-flight map still joins a double tap that reaches one instance: WechatService).
 */
@Injectable()
export class SharedCodeExchange {
  private readonly logger = new Logger('WechatService');
  /** Longer than the slowest exchange: three attempts of WECHAT_TIMEOUT_MS and their pauses (WechatHttpClient). */
  private readonly lockTtlMs: number;

  constructor(
    private readonly redis: RedisConnections,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.lockTtlMs = 3 * config.wechat.timeoutMs + 2000;
  }

  /** `exchange` (the call to WeChat) for this code, run once across instances when Redis answers. */
  async run(code: string, exchange: () => Promise<WechatSession>): Promise<WechatSession> {
    if (!this.redis.available) return exchange();
    const id = createHash('sha256').update(`${this.config.redisKeyPrefix}${code}`, 'utf8').digest('hex');
    const keys = { result: `login-code:${id}:result`, lock: `login-code:${id}:lock` };
    // Past this, whoever held the lock is gone without an outcome (and the lock has expired
    // once at least): answer as WeChat being unavailable rather than wait on.
    const deadline = Date.now() + 2 * this.lockTtlMs;
    for (;;) {
      let stored: string | null;
      let locked = false;
      try {
        stored = await this.redis.run((redis) => redis.get(keys.result));
        if (stored === null) locked = (await this.redis.run((redis) => redis.set(keys.lock, this.redis.instanceId, 'PX', this.lockTtlMs, 'NX'))) === 'OK';
      } catch {
        // Redis failed now (or answered an error of its own): do without it at once.
        return exchange();
      }
      if (stored !== null) {
        const outcome = this.open(stored, id);
        // One this instance cannot open is no answer: do without Redis.
        return outcome ? answer(outcome) : exchange();
      }
      if (locked) return this.lead(id, keys, exchange);
      if (Date.now() >= deadline) throw new WechatUnavailableError();
      await delay(POLL_MS);
    }
  }

  /** Holding the lock: ask WeChat, keep the outcome for the others, answer. */
  private async lead(id: string, keys: { result: string; lock: string }, exchange: () => Promise<WechatSession>): Promise<WechatSession> {
    let session: WechatSession;
    try {
      session = await exchange();
    } catch (err) {
      const code = err instanceof DomainError ? err.code : null;
      if (code && code in FINAL_ERRORS) {
        await this.keep(id, keys.result, { error: code, ...(err instanceof WechatApiError ? { errcode: err.errcode } : {}) }, CODE_RESULT_TTL_MS);
      } else if (code && code in TRANSIENT_ERRORS) {
        await this.keep(id, keys.result, { error: code }, TRANSIENT_RESULT_TTL_MS);
      } else {
        // Not an answer about the code (a bug, most likely): let a waiter ask WeChat itself.
        await this.redis.run((redis) => redis.del(keys.lock)).catch(() => undefined);
      }
      throw err;
    }
    await this.keep(id, keys.result, { session }, CODE_RESULT_TTL_MS);
    return session;
  }

  /** Stores a sealed outcome. A Redis failure here is not the caller's: its answer stands; waiters then ask WeChat. */
  private async keep(id: string, key: string, outcome: Outcome, ttlMs: number): Promise<void> {
    const sealed = this.box.seal(JSON.stringify(outcome), id);
    await this.redis.run((redis) => redis.set(key, sealed, 'PX', ttlMs)).catch(() => undefined);
  }

  private open(stored: string, id: string): Outcome | null {
    const json = this.box.open(stored, id);
    if (json === null) {
      // Sealed with a key this instance does not have (a rotation half done), or tampered with.
      this.logger.warn('a shared login outcome could not be opened (DATA_ENCRYPTION_KEY differs between instances?): asking WeChat');
      return null;
    }
    return JSON.parse(json) as Outcome;
  }
}

function answer(outcome: Outcome): WechatSession {
  if ('session' in outcome) return outcome.session;
  const make = FINAL_ERRORS[outcome.error] ?? TRANSIENT_ERRORS[outcome.error];
  if (!make) throw new WechatUnavailableError();
  throw make(outcome.errcode);
}
