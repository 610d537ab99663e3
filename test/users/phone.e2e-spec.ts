import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { WechatTokenRepository } from '../../src/wechat/wechat-token.repository';
import { TEST_APPID, useTestApp } from '../support/test-app';
import { loginWithKey, readableForms, sealOpenData, userRow, watermark } from '../support/open-data';

const PHONE = '/api/users/me/phone';
const CN = { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' };

describe('POST /api/users/me/phone', () => {
  // A timeout that a loaded CI machine cannot hit: a retried single-use code would answer 40029.
  const t = useTestApp({ env: { WECHAT_TIMEOUT_MS: '3000' } });
  const seen: string[] = [];
  const post = async (token: string, body: unknown) => {
    const res = await t.request('POST', PHONE, { token, body });
    seen.push(res.text);
    return res;
  };
  const storedToken = async (): Promise<string | null> =>
    (await t.app.get(WechatTokenRepository).find(TEST_APPID))?.token ?? null;

  describe('with a code (getPhoneNumber button)', () => {
    it('should set the phone from WeChat with the app access token', async () => {
      const { token } = await loginWithKey(t, 'o_phone');
      const res = await post(token, { code: t.fake.issuePhoneCode(CN) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ openid: 'o_phone', phone: '13800138000' });
      expect(t.fake.calls.stableToken).toBe(1);
      expect(t.fake.calls.phone).toBe(1);
      expect(await storedToken()).toBe(t.fake.currentAccessToken);
      expect((await t.request('GET', '/api/users/me', { token })).body.phone).toBe('13800138000');
    });

    it('should keep the area code of a number outside China, with a numeric countryCode', async () => {
      const { token } = await loginWithKey(t, 'o_hk');
      const res = await post(token, { code: t.fake.issuePhoneCode({ phoneNumber: '+85261234567', purePhoneNumber: '61234567', countryCode: 852 }) });
      expect(res.status).toBe(200);
      expect(res.body.phone).toBe('+85261234567');
    });

    it('should reuse the stored access token for the next requests', async () => {
      const { token } = await loginWithKey(t, 'o_reuse');
      for (let i = 0; i < 3; i++) expect((await post(token, { code: t.fake.issuePhoneCode(CN) })).status).toBe(200);
      expect(t.fake.calls.stableToken).toBe(1);
    });

    it('should answer 400 WECHAT_CODE_INVALID for an unknown code and change nothing', async () => {
      const { token, userId } = await loginWithKey(t, 'o_badcode');
      const before = await userRow(t, userId);
      const res = await post(token, { code: 'not-a-real-phone-code' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'WECHAT_CODE_INVALID' });
      expect(await userRow(t, userId)).toEqual(before);
    });

    it('should answer 400 WECHAT_CODE_INVALID for a spent code and keep the phone it set', async () => {
      const { token } = await loginWithKey(t, 'o_spent');
      const code = t.fake.issuePhoneCode(CN);
      expect((await post(token, { code })).status).toBe(200);
      const again = await post(token, { code });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('WECHAT_CODE_INVALID');
      expect((await t.request('GET', '/api/users/me', { token })).body.phone).toBe('13800138000');
    });

    it('should fetch the access token once for 12 concurrent requests', async () => {
      const users = [];
      for (let i = 0; i < 12; i++) users.push(await loginWithKey(t, `o_many_${i}`));
      t.fake.latencyMs = 50; // WeChat takes a while: every request needs the token before the first fetch ends
      const results = await Promise.all(
        users.map((u, i) => post(u.token, { code: t.fake.issuePhoneCode({ ...CN, phoneNumber: `1380013${String(i).padStart(4, '0')}` }) })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
      expect(new Set(results.map((r) => r.body.phone)).size).toBe(12);
      expect(t.fake.calls.stableToken).toBe(1);
      expect(t.fake.calls.phone).toBe(12);
    });

    it('should recover from 40001 when WeChat no longer knows the token, without forcing a refresh', async () => {
      const { token } = await loginWithKey(t, 'o_40001');
      expect((await post(token, { code: t.fake.issuePhoneCode(CN) })).status).toBe(200);
      const first = await storedToken();
      t.fake.invalidateAccessToken(); // e.g. another system forced a refresh

      const res = await post(token, { code: t.fake.issuePhoneCode({ ...CN, phoneNumber: '13900139000' }) });
      expect(res.status).toBe(200);
      expect(res.body.phone).toBe('13900139000');
      expect(t.fake.calls.stableToken).toBe(2);
      expect(t.fake.calls.stableTokenForced).toBe(0);
      expect(await storedToken()).not.toBe(first);
      expect(await storedToken()).toBe(t.fake.currentAccessToken);
    });

    it('should force a refresh only after a confirmed 40001 (stable_token hands back the token WeChat refused)', async () => {
      const { token } = await loginWithKey(t, 'o_confirmed');
      expect((await post(token, { code: t.fake.issuePhoneCode(CN) })).status).toBe(200);
      const first = await storedToken();
      t.fake.failNext({ kind: 'errcode', errcode: 40001 });

      const res = await post(token, { code: t.fake.issuePhoneCode(CN) });
      expect(res.status).toBe(200);
      // normal mode first (it answered the same token), then one forced refresh
      expect(t.fake.calls.stableToken).toBe(3);
      expect(t.fake.calls.stableTokenForced).toBe(1);
      expect(await storedToken()).not.toBe(first);
    });

    it('should not force a refresh for 42001 (expired)', async () => {
      const { token } = await loginWithKey(t, 'o_42001');
      expect((await post(token, { code: t.fake.issuePhoneCode(CN) })).status).toBe(200);
      t.fake.failNext({ kind: 'errcode', errcode: 42001 });
      const res = await post(token, { code: t.fake.issuePhoneCode(CN) });
      expect(res.status).toBe(200);
      expect(t.fake.calls.stableToken).toBe(2);
      expect(t.fake.calls.stableTokenForced).toBe(0);
    });

    it('should answer 503 WECHAT_UNAVAILABLE when WeChat stays busy, and change nothing', async () => {
      const { token, userId } = await loginWithKey(t, 'o_busy');
      const before = await userRow(t, userId);
      t.fake.failNext({ kind: 'busy' }, { kind: 'busy' }, { kind: 'busy' });
      const res = await post(token, { code: t.fake.issuePhoneCode(CN) });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('WECHAT_UNAVAILABLE');
      expect(await userRow(t, userId)).toEqual(before);
    });
  });

  describe('with encryptedData (the older flow)', () => {
    it.each([
      ['a string countryCode', CN, '13800138000'],
      ['a numeric countryCode', { phoneNumber: '+14155552671', purePhoneNumber: '4155552671', countryCode: 1 }, '+14155552671'],
    ])('should set the phone from the decrypted data with %s', async (_name, phone, expected) => {
      const { token, sessionKey } = await loginWithKey(t, 'o_old_flow');
      const res = await post(token, sealOpenData(sessionKey, { ...phone, watermark: watermark() }));
      expect(res.status).toBe(200);
      expect(res.body.phone).toBe(expected);
      expect(t.fake.calls.stableToken).toBe(0); // no access token needed
    });

    it.each([
      ['sealed with an earlier session_key', 'old'],
      ['of another appid', 'appid'],
      ['without a phoneNumber (a profile payload)', 'profile'],
      ['with a tampered iv', 'iv'],
    ])('should answer 400 SESSION_KEY_STALE for data %s and change nothing', async (_name, kind) => {
      const first = await loginWithKey(t, 'o_old_bad');
      const { token, userId, sessionKey } = await loginWithKey(t, 'o_old_bad');
      const before = await userRow(t, userId);
      let body: { encryptedData: string; iv: string };
      if (kind === 'old') body = sealOpenData(first.sessionKey, { ...CN, watermark: watermark() });
      else if (kind === 'appid') body = sealOpenData(sessionKey, { ...CN, watermark: watermark('wxanotherapp000001') });
      else if (kind === 'profile') body = sealOpenData(sessionKey, { nickName: 'x', watermark: watermark() });
      else {
        body = sealOpenData(sessionKey, { ...CN, watermark: watermark() });
        const iv = Buffer.from(body.iv, 'base64');
        iv[0] ^= 0x01;
        body.iv = iv.toString('base64');
      }
      const res = await post(token, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('SESSION_KEY_STALE');
      expect(await userRow(t, userId)).toEqual(before);
    });
  });

  it.each([
    ['both shapes', (s: { encryptedData: string; iv: string }) => ({ code: 'abc', ...s })],
    ['code with iv', (s: { encryptedData: string; iv: string }) => ({ code: 'abc', iv: s.iv })],
    ['neither shape', () => ({})],
    ['encryptedData without iv', (s: { encryptedData: string; iv: string }) => ({ encryptedData: s.encryptedData })],
    ['an empty code', () => ({ code: '' })],
    ['a code over 128 characters', () => ({ code: 'x'.repeat(129) })],
    ['a non-string code', () => ({ code: 12345 })],
    ['an unknown property', () => ({ code: 'abc', phone: '13800138000' })],
    ['oversized encryptedData', (s: { encryptedData: string; iv: string }) => ({ ...s, encryptedData: 'A'.repeat(8196) })],
  ])('should answer 400 VALIDATION_FAILED for %s without calling WeChat', async (_name, build) => {
    const { token, userId, sessionKey } = await loginWithKey(t, 'o_shape');
    const before = await userRow(t, userId);
    const res = await post(token, build(sealOpenData(sessionKey, { ...CN, watermark: watermark() })));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(t.fake.calls.stableToken + t.fake.calls.phone).toBe(0);
    expect(await userRow(t, userId)).toEqual(before);
  });

  it('should answer 401 without a token', async () => {
    expect((await t.request('POST', PHONE, { body: { code: 'abc' } })).status).toBe(401);
  });

  it('should log no session_key, encryptedData, iv, phone code or access token', async () => {
    const lines: string[] = [];
    const spies = (['log', 'warn', 'error', 'debug', 'verbose', 'fatal'] as const).map((level) =>
      vi.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void lines.push(JSON.stringify(args))),
    );
    try {
      const first = await loginWithKey(t, 'o_logs');
      const { token, sessionKey } = await loginWithKey(t, 'o_logs');
      const code = t.fake.issuePhoneCode(CN);
      expect((await post(token, { code })).status).toBe(200);
      const tokens = [await storedToken()];
      t.fake.failNext({ kind: 'errcode', errcode: 40001 }); // refused, renewed, forced: the most logging path
      expect((await post(token, { code: t.fake.issuePhoneCode(CN) })).status).toBe(200);
      tokens.push(await storedToken());
      expect((await post(token, { code })).status).toBe(400); // spent code
      const stale = sealOpenData(first.sessionKey, { ...CN, watermark: watermark() });
      expect((await post(token, stale)).status).toBe(400);

      expect(lines.length).toBeGreaterThan(0);
      const logged = lines.join('\n');
      for (const secret of [...readableForms(sessionKey), ...readableForms(first.sessionKey), stale.encryptedData, stale.iv, code, ...tokens]) {
        expect(logged).not.toContain(secret);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('should never put an access token or a session_key in a response', async () => {
    // runs last: `seen` holds every answer of this file
    const { token, sessionKey } = await loginWithKey(t, 'o_phone_leak');
    await post(token, { code: t.fake.issuePhoneCode(CN) });
    const accessToken = await storedToken();
    expect(accessToken).toBeTruthy();
    expect(seen.length).toBeGreaterThan(20);
    for (const text of seen) {
      expect(text).not.toMatch(/at_[0-9a-f]{16,}/); // the fake's access tokens, from any test of this file
      expect(text).not.toContain(accessToken!);
      for (const form of readableForms(sessionKey)) expect(text).not.toContain(form);
    }
  });
});
