import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app';
import { flipBit, loginWithKey, readableForms, sealOpenData, signRawData, userRow, watermark } from '../support/open-data';

const PROFILE = '/api/users/me/wechat-profile';

function profilePayload(openid: string, extra: Record<string, unknown> = {}) {
  return {
    openId: openid,
    nickName: '小明',
    gender: 1,
    language: 'zh_CN',
    city: 'Shenzhen',
    province: 'Guangdong',
    country: 'China',
    avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132',
    unionId: 'u_profile',
    watermark: watermark(),
    ...extra,
  };
}

describe('POST /api/users/me/wechat-profile', () => {
  const t = useTestApp();
  /** Every response body seen, to check that no session_key ever leaves the server. */
  const seen: string[] = [];
  /** Every session_key WeChat handed out in this file. */
  const keys: string[] = [];
  const login = async (openid: string) => {
    const user = await loginWithKey(t, openid);
    keys.push(user.sessionKey);
    return user;
  };
  const post = async (token: string, body: unknown) => {
    const res = await t.request('POST', PROFILE, { token, body });
    seen.push(res.text);
    return res;
  };

  it('should fill nickname, avatarUrl, gender, places, language and unionid from the decrypted data', async () => {
    const { token, sessionKey } = await login('o_profile');
    const res = await post(token, sealOpenData(sessionKey, profilePayload('o_profile')));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      openid: 'o_profile',
      unionid: 'u_profile',
      nickname: '小明',
      avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132',
      gender: 'male',
      city: 'Shenzhen',
      province: 'Guangdong',
      country: 'China',
      language: 'zh_CN',
      phone: null,
    });
    const me = await t.request('GET', '/api/users/me', { token });
    expect(me.body).toEqual(res.body);
  });

  it.each([
    [0, 'unknown'],
    [2, 'female'],
  ])('should map gender %s to %s', async (gender, expected) => {
    const { token, sessionKey } = await login('o_gender');
    const res = await post(token, sealOpenData(sessionKey, profilePayload('o_gender', { gender })));
    expect(res.status).toBe(200);
    expect(res.body.gender).toBe(expected);
  });

  it('should accept data without openId and unionId (wx.getUserProfile) and keep the unionid it has', async () => {
    const { token, sessionKey } = await login('o_nounion');
    const payload: Record<string, unknown> = profilePayload('o_nounion');
    delete payload.openId;
    delete payload.unionId;
    const res = await post(token, sealOpenData(sessionKey, payload));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nickname: '小明', unionid: null });
  });

  it('should accept a valid signature of rawData', async () => {
    const { token, sessionKey } = await login('o_signed');
    const rawData = JSON.stringify({ nickName: '小明', gender: 1, language: 'zh_CN', city: 'Shenzhen', province: 'Guangdong', country: 'China', avatarUrl: '' });
    const res = await post(token, { ...sealOpenData(sessionKey, profilePayload('o_signed')), rawData, signature: signRawData(rawData, sessionKey) });
    expect(res.status).toBe(200);
    expect(res.body.nickname).toBe('小明');
  });

  describe('refuses with 400 SESSION_KEY_STALE and changes nothing', () => {
    const cases: [string, (sessionKey: string, openid: string) => Record<string, unknown>][] = [
      ['a forged signature', (key, openid) => {
        const rawData = JSON.stringify({ nickName: '小明' });
        return { ...sealOpenData(key, profilePayload(openid)), rawData, signature: signRawData(rawData, randomBytes(16).toString('base64')) };
      }],
      ['a signature of other rawData', (key, openid) => {
        const rawData = JSON.stringify({ nickName: '小明' });
        return { ...sealOpenData(key, profilePayload(openid)), rawData: JSON.stringify({ nickName: '大明' }), signature: signRawData(rawData, key) };
      }],
      ['a tampered iv', (key, openid) => {
        const sealed = sealOpenData(key, profilePayload(openid));
        return { ...sealed, iv: flipBit(sealed.iv, 0) };
      }],
      ['tampered data', (key, openid) => {
        const sealed = sealOpenData(key, profilePayload(openid));
        return { ...sealed, encryptedData: flipBit(sealed.encryptedData, 40) };
      }],
      ['tampered padding', (key, openid) => {
        const sealed = sealOpenData(key, profilePayload(openid));
        return { ...sealed, encryptedData: flipBit(sealed.encryptedData, -17) };
      }],
      ['truncated data', (key, openid) => {
        const sealed = sealOpenData(key, profilePayload(openid));
        return { ...sealed, encryptedData: sealed.encryptedData.slice(0, -8) };
      }],
      ['data missing its last block', (key, openid) => {
        const sealed = sealOpenData(key, profilePayload(openid));
        const bytes = Buffer.from(sealed.encryptedData, 'base64');
        return { ...sealed, encryptedData: bytes.subarray(0, bytes.length - 16).toString('base64') };
      }],
      ['junk that is not base64', (key, openid) => ({ ...sealOpenData(key, profilePayload(openid)), encryptedData: '%%% not base64 %%%' })],
      ['an iv of the wrong length', (key, openid) => ({ ...sealOpenData(key, profilePayload(openid)), iv: randomBytes(12).toString('base64') })],
      ['a watermark of another appid', (key, openid) => sealOpenData(key, profilePayload(openid, { watermark: watermark('wxanotherapp000001') }))],
      ['no watermark', (key, openid) => sealOpenData(key, profilePayload(openid, { watermark: undefined }))],
      ["another user's openId", (key) => sealOpenData(key, profilePayload('o_someone_else'))],
      ['data sealed with another session_key', (_key, openid) => sealOpenData(randomBytes(16).toString('base64'), profilePayload(openid))],
    ];

    it.each(cases)('%s', async (_name, build) => {
      const { token, userId, sessionKey } = await login('o_refused');
      const before = await userRow(t, userId);
      const res = await post(token, build(sessionKey, 'o_refused'));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'SESSION_KEY_STALE' });
      expect(await userRow(t, userId)).toEqual(before);
    });
  });

  it('should refuse data sealed with the session_key of an earlier login (the client called wx.login again)', async () => {
    const first = await login('o_rotated');
    const sealedWithOld = sealOpenData(first.sessionKey, profilePayload('o_rotated'));
    const second = await login('o_rotated');
    expect(second.sessionKey).not.toBe(first.sessionKey);

    const stale = await post(second.token, sealedWithOld);
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe('SESSION_KEY_STALE');

    // What the README tells the mini program to do: log in again and retry with fresh data.
    const fresh = await post(second.token, sealOpenData(second.sessionKey, profilePayload('o_rotated')));
    expect(fresh.status).toBe(200);
  });

  it.each([
    ['no iv', (s: { encryptedData: string; iv: string }) => ({ encryptedData: s.encryptedData })],
    ['rawData without signature', (s: { encryptedData: string; iv: string }) => ({ ...s, rawData: '{}' })],
    ['a signature that is not hex sha1', (s: { encryptedData: string; iv: string }) => ({ ...s, rawData: '{}', signature: 'abc' })],
    ['oversized encryptedData', (s: { encryptedData: string; iv: string }) => ({ ...s, encryptedData: 'A'.repeat(8196) })],
    ['an unknown property', (s: { encryptedData: string; iv: string }) => ({ ...s, role: 'admin' })],
  ])('should answer 400 VALIDATION_FAILED for %s', async (_name, build) => {
    const { token, userId, sessionKey } = await login('o_invalid');
    const before = await userRow(t, userId);
    const res = await post(token, build(sealOpenData(sessionKey, profilePayload('o_invalid'))));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await userRow(t, userId)).toEqual(before);
  });

  it('should answer 401 without a token', async () => {
    const res = await t.request('POST', PROFILE, { body: { encryptedData: 'AAAA', iv: 'AAAA' } });
    expect(res.status).toBe(401);
  });

  it('should never put the session_key in a response', async () => {
    // runs last: `seen` holds every answer of this file, successes and refusals alike
    const { token, sessionKey } = await login('o_leak');
    await post(token, sealOpenData(sessionKey, profilePayload('o_leak')));
    await post(token, { ...sealOpenData(sessionKey, profilePayload('o_leak')), iv: 'AAAAAAAAAAAAAAAAAAAAAA==' });
    expect(seen.length).toBeGreaterThan(20);
    expect(keys.length).toBeGreaterThan(20);
    for (const text of seen) {
      for (const form of keys.flatMap(readableForms)) expect(text).not.toContain(form);
      expect(text).not.toMatch(/"session_?key(Enc)?"\s*:/i);
    }
  });
});

describe('session_key at rest', () => {
  const t = useTestApp();

  const storedKey = async (openid: string): Promise<string> =>
    (await t.dataSource.query('SELECT session_key_enc FROM users WHERE openid = $1', [openid]))[0].session_key_enc;

  it('should not store the session_key in any readable form', async () => {
    const { sessionKey } = await loginWithKey(t, 'o_rest');
    const stored = await storedKey('o_rest');
    expect(stored).toMatch(/^v1\./);
    for (const form of readableForms(sessionKey)) expect(stored).not.toContain(form);
    // nor as raw bytes inside any of its base64url parts
    const raw = Buffer.from(sessionKey, 'base64');
    for (const part of stored.split('.').slice(1)) expect(Buffer.from(part, 'base64url').includes(raw)).toBe(false);
    // and no other column holds it
    const row = JSON.stringify((await t.dataSource.query('SELECT * FROM users WHERE openid = $1', ['o_rest']))[0]);
    for (const form of readableForms(sessionKey)) expect(row).not.toContain(form);
  });

  it('should replace the stored session_key at every login', async () => {
    const first = await loginWithKey(t, 'o_replace');
    const storedFirst = await storedKey('o_replace');
    const second = await loginWithKey(t, 'o_replace');
    const storedSecond = await storedKey('o_replace');
    expect(second.sessionKey).not.toBe(first.sessionKey);
    expect(storedSecond).not.toBe(storedFirst);
    // the new key is the one in use: data sealed with it opens, data sealed with the old one does not
    const ok = await t.request('POST', PROFILE, { token: second.token, body: sealOpenData(second.sessionKey, profilePayload('o_replace')) });
    expect(ok.status).toBe(200);
  });

  it('should treat a stored value that no longer opens (tampered, or sealed under another key) as a stale session', async () => {
    const { token, sessionKey } = await loginWithKey(t, 'o_broken');
    await t.dataSource.query(`UPDATE users SET session_key_enc = 'v1.AAAA.AAAA.AAAA' WHERE openid = $1`, ['o_broken']);
    const res = await t.request('POST', PROFILE, { token, body: sealOpenData(sessionKey, profilePayload('o_broken')) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('SESSION_KEY_STALE');
  });
});
