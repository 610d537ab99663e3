import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { phone, rejectionOf, storedPair, useKitServer } from '../support/miniprogram/kit-harness';
import { ShimClock } from '../support/miniprogram/wx-shim';
import { sealOpenData, watermark } from '../support/open-data';

const LOGIN = '/api/auth/wechat/login';
const PROFILE = '/api/users/me/wechat-profile';
const PHONE = '/api/users/me/phone';
const CN = { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' };

function profileOf(openid: string) {
  return { openId: openid, nickName: '小明', gender: 1, language: 'zh_CN', city: 'Shenzhen', province: 'Guangdong', country: 'China', avatarUrl: '', watermark: watermark() };
}

/** Back-off waits of a second or more are skipped (and recorded); `relief` runs while the kit "waits". */
function virtualClock(relief?: (ms: number) => void | Promise<void>) {
  return new ShimClock({ virtualFrom: 1000, onVirtualWait: relief });
}

describe('mini program kit: reactions to WeChat and rate-limit codes', () => {
  const { t, server } = useKitServer();

  describe('login codes', () => {
    it('should get a new code from wx.login and retry once when the code is spent (WECHAT_CODE_USED)', async () => {
      const spent = t.fake.issueCode('o_mp_spent');
      expect((await t.request('POST', LOGIN, { body: { code: spent } })).status).toBe(200);
      const p = phone(t, { openid: 'o_mp_spent' });
      p.shim.queuedCodes.push(spent);
      server.clear();

      const pair = await p.api.login();
      expect(pair.user.openid).toBe('o_mp_spent');
      expect(p.shim.calls.login).toBe(2);
      expect(server.to('POST', LOGIN).map((r) => [r.status, r.code])).toEqual([
        [401, 'WECHAT_CODE_USED'],
        [200, null],
      ]);
      expect(storedPair(p.shim)?.accessToken).toBe(pair.accessToken);
    });

    it('should do the same for a code WeChat does not know (WECHAT_CODE_INVALID)', async () => {
      const p = phone(t, { openid: 'o_mp_forged' });
      p.shim.queuedCodes.push('not-a-code-wechat-issued');
      expect((await p.api.login()).user.openid).toBe('o_mp_forged');
      expect(server.to('POST', LOGIN).map((r) => r.code)).toEqual(['WECHAT_CODE_INVALID', null]);
      expect(p.shim.calls.login).toBe(2);
    });

    it('should retry a rejected code only once, then surface the error', async () => {
      const p = phone(t, { openid: 'o_mp_twice' });
      p.shim.queuedCodes.push('forged-one', 'forged-two', 'forged-three');
      const err = await rejectionOf(p.api.login());
      expect(err).toMatchObject({ name: 'ApiError', statusCode: 401, code: 'WECHAT_CODE_INVALID' });
      expect(p.shim.calls.login).toBe(2);
      expect(server.to('POST', LOGIN)).toHaveLength(2);
      expect(storedPair(p.shim)).toBeNull();
    });

    it('should surface WECHAT_USER_BLOCKED at once', async () => {
      const p = phone(t, { openid: 'o_mp_blocked' });
      p.shim.queuedCodes.push(t.fake.codeFailingWith(40226));
      expect(await rejectionOf(p.api.login())).toMatchObject({ statusCode: 403, code: 'WECHAT_USER_BLOCKED' });
      expect(server.to('POST', LOGIN)).toHaveLength(1);
    });
  });

  describe('back-off', () => {
    it('should wait as long as Retry-After says after WECHAT_RATE_LIMITED, then log in with a new code', async () => {
      const clock = virtualClock();
      const p = phone(t, { openid: 'o_mp_wx_limited', clock });
      p.shim.queuedCodes.push(t.fake.codeFailingWith(45011));

      expect((await p.api.login()).user.openid).toBe('o_mp_wx_limited');
      expect(server.to('POST', LOGIN).map((r) => [r.status, r.code])).toEqual([
        [429, 'WECHAT_RATE_LIMITED'],
        [200, null],
      ]);
      expect(clock.virtualWaits).toHaveLength(1);
      expect(clock.virtualWaits[0]).toBeGreaterThanOrEqual(60_000); // the server's Retry-After: 60
      expect(p.shim.calls.login).toBe(2);
    });

    it('should not wait longer than maxDelayMs: the error goes to the caller with retryAfter', async () => {
      const clock = virtualClock();
      const p = phone(t, { openid: 'o_mp_wx_long', clock, apiOptions: { retry: { maxDelayMs: 10_000 } } });
      p.shim.queuedCodes.push(t.fake.codeFailingWith(45011));
      const err = await rejectionOf(p.api.login());
      expect(err).toMatchObject({ statusCode: 429, code: 'WECHAT_RATE_LIMITED', retryAfter: 60 });
      expect(clock.virtualWaits).toEqual([]);
      expect(server.to('POST', LOGIN)).toHaveLength(1);
    });

    it('should retry WECHAT_UNAVAILABLE a bounded number of times, honouring Retry-After, then surface it', async () => {
      const clock = virtualClock();
      const p = phone(t, { openid: 'o_mp_wx_down', clock });
      t.fake.failNext(...Array.from({ length: 30 }, () => ({ kind: 'busy' as const })));

      const err = await rejectionOf(p.api.login());
      expect(err).toMatchObject({ name: 'ApiError', statusCode: 503, code: 'WECHAT_UNAVAILABLE', retryAfter: 5 });
      const answers = p.shim.exchangesTo(LOGIN);
      expect(answers.map((e) => e.status)).toEqual([503, 503, 503]); // retry.attempts = 3
      expect(err.requestId).toBe(answers.at(-1)!.requestId);
      expect(clock.virtualWaits).toHaveLength(2);
      for (const ms of clock.virtualWaits) expect(ms).toBeGreaterThanOrEqual(5_000);
      expect(p.shim.calls.login).toBe(3); // a fresh code for every try
      expect(storedPair(p.shim)).toBeNull();
    });

    it('should log in once WeChat is back after a WECHAT_UNAVAILABLE wait', async () => {
      const clock = virtualClock(() => t.fake.reset()); // WeChat recovers while the kit waits
      const p = phone(t, { openid: 'o_mp_wx_back', clock });
      t.fake.failNext(...Array.from({ length: 30 }, () => ({ kind: 'busy' as const })));

      expect((await p.api.login()).user.openid).toBe('o_mp_wx_back');
      expect(server.to('POST', LOGIN).map((r) => r.status)).toEqual([503, 200]);
      expect(clock.virtualWaits).toHaveLength(1);
    });
  });

  describe('SESSION_KEY_STALE', () => {
    it('should log in again and tell the caller to fetch fresh encrypted data, which then works', async () => {
      const p = phone(t, { openid: 'o_mp_stale' });
      await p.api.login();
      const firstKey = t.fake.sessionKeyOf('o_mp_stale');
      // Sealed with a session_key the server does not hold (wx.login ran elsewhere, say).
      const stale = sealOpenData(randomBytes(16).toString('base64'), profileOf('o_mp_stale'));

      const err = await rejectionOf(p.api.decryptProfile(stale));
      expect(err).toMatchObject({ name: 'ApiError', statusCode: 400, code: 'SESSION_KEY_STALE', needsFreshData: true });
      expect(p.shim.calls.login).toBe(2);
      const freshKey = t.fake.sessionKeyOf('o_mp_stale')!;
      expect(freshKey).not.toBe(firstKey);

      const user = await p.api.decryptProfile(sealOpenData(freshKey, profileOf('o_mp_stale')));
      expect(user).toMatchObject({ openid: 'o_mp_stale', nickname: '小明', city: 'Shenzhen' });
      expect(server.to('POST', PROFILE).map((r) => r.status)).toEqual([400, 200]);
    });

    it('should not send encrypted data when wx.checkSession says WeChat’s session expired: log in and ask for fresh data', async () => {
      const p = phone(t, { openid: 'o_mp_check' });
      await p.api.login();
      p.shim.sessionValid = false;
      const sealed = sealOpenData(t.fake.sessionKeyOf('o_mp_check')!, { ...CN, watermark: watermark() });

      const err = await rejectionOf(p.api.bindPhone({ errMsg: 'getPhoneNumber:ok', ...sealed }));
      expect(err).toMatchObject({ statusCode: 0, code: 'SESSION_KEY_STALE', needsFreshData: true });
      expect(server.to('POST', PHONE)).toHaveLength(0);
      expect(p.shim.calls.login).toBe(2);
    });

    it('should log in before ensureSession returns when WeChat’s session expired, and not otherwise', async () => {
      const p = phone(t, { openid: 'o_mp_ensure' });
      await p.api.ensureSession();
      expect(p.shim.calls.login).toBe(1);
      await p.api.ensureSession();
      expect(p.shim.calls.login).toBe(1);
      p.shim.sessionValid = false;
      await p.api.ensureSession();
      expect(p.shim.calls.login).toBe(2);
    });
  });

  describe('phone', () => {
    it('should bind the phone from the getPhoneNumber code', async () => {
      const p = phone(t, { openid: 'o_mp_phone_code' });
      const user = await p.api.bindPhone({ errMsg: 'getPhoneNumber:ok', code: t.fake.issuePhoneCode(CN) });
      expect(user.phone).toBe('13800138000');
    });

    it('should bind the phone from encryptedData and iv (the older flow)', async () => {
      const p = phone(t, { openid: 'o_mp_phone_old' });
      await p.api.login();
      const sealed = sealOpenData(t.fake.sessionKeyOf('o_mp_phone_old')!, { ...CN, watermark: watermark() });
      expect((await p.api.bindPhone({ errMsg: 'getPhoneNumber:ok', ...sealed })).phone).toBe('13800138000');
    });

    it('should refuse without a call when the user declined', async () => {
      const p = phone(t, { openid: 'o_mp_phone_deny' });
      await p.api.login();
      server.clear();
      expect(await rejectionOf(p.api.bindPhone({ errMsg: 'getPhoneNumber:fail user deny' }))).toMatchObject({
        statusCode: 0,
        code: 'USER_DENIED',
        message: 'getPhoneNumber:fail user deny',
      });
      expect(server.requests).toHaveLength(0);
    });

    it('should surface a spent phone code as WECHAT_CODE_INVALID without logging in again', async () => {
      const p = phone(t, { openid: 'o_mp_phone_spent' });
      await p.api.login();
      expect(await rejectionOf(p.api.bindPhone({ code: 'not-a-phone-code' }))).toMatchObject({ statusCode: 400, code: 'WECHAT_CODE_INVALID' });
      expect(p.shim.calls.login).toBe(1);
    });
  });
});

describe('mini program kit: login rate limit (AUTH_RATE_LIMIT)', () => {
  const { t, server } = useKitServer({ env: { AUTH_RATE_LIMIT: '1' } });
  afterEach(() => {
    // A new minute for the next test: the limiter counts on the app's clock.
    t.clock.advance(61_000);
  });

  it('should back off as Retry-After says after RATE_LIMITED, a bounded number of times, then surface it', async () => {
    await phone(t, { openid: 'o_mp_rl_first' }).api.login(); // spends this address's one login of the minute
    const clock = virtualClock();
    const p = phone(t, { openid: 'o_mp_rl_second', clock });

    const err = await rejectionOf(p.api.login());
    expect(err).toMatchObject({ name: 'ApiError', statusCode: 429, code: 'RATE_LIMITED' });
    expect(err.retryAfter).toBeGreaterThanOrEqual(1);
    expect(err.retryAfter).toBeLessThanOrEqual(60);
    expect(server.to('POST', LOGIN).map((r) => r.status)).toEqual([200, 429, 429, 429]);
    expect(clock.virtualWaits).toHaveLength(2);
    for (const ms of clock.virtualWaits) expect(ms).toBeGreaterThanOrEqual(err.retryAfter * 1000);
    expect(t.fake.calls.jscode2session).toBe(1); // the limit answers before WeChat is asked
  });

  it('should log in once the minute is over', async () => {
    await phone(t, { openid: 'o_mp_rl_a' }).api.login();
    // The kit waits Retry-After; here that much time passes for the limiter.
    const clock = virtualClock((ms) => t.clock.advance(ms + 1000));
    const p = phone(t, { openid: 'o_mp_rl_b', clock });

    expect((await p.api.login()).user.openid).toBe('o_mp_rl_b');
    expect(server.to('POST', LOGIN).map((r) => r.status)).toEqual([200, 429, 200]);
    expect(clock.virtualWaits).toHaveLength(1);
    expect(clock.virtualWaits[0]).toBeGreaterThanOrEqual(1000);
  });
});
