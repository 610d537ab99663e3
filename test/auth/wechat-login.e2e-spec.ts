import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevWechatServer } from '../../src/dev/dev-wechat.server';
import { FakeWechatServer } from '../support/fake-wechat.server';
import { startTestAppForTest, TEST_APPID, TEST_WECHAT_SECRET, useTestApp } from '../support/test-app';

const LOGIN = '/api/auth/wechat/login';

describe('POST /api/auth/wechat/login', () => {
  const t = useTestApp();
  const userCount = async () => Number((await t.dataSource.query('SELECT count(*)::int AS n FROM users'))[0].n);

  it('should create the user on first login and find it on the next', async () => {
    const first = await t.request('POST', LOGIN, { body: { code: t.fake.issueCode('o_first', 'u_first') } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 7200, isNewUser: true });
    expect(first.body.user).toMatchObject({ openid: 'o_first', unionid: 'u_first', role: 'user', disabled: false, gender: 'unknown', nickname: null });
    expect(typeof first.body.accessToken).toBe('string');
    expect(typeof first.body.refreshToken).toBe('string');

    const second = await t.request('POST', LOGIN, { body: { code: t.fake.issueCode('o_first') } });
    expect(second.status).toBe(200);
    expect(second.body.isNewUser).toBe(false);
    expect(second.body.user.id).toBe(first.body.user.id);
    expect(second.body.user.unionid).toBe('u_first');
    expect(await userCount()).toBe(1);
  });

  it('should fill the profile from userInfo', async () => {
    const userInfo = { nickName: '小明', avatarUrl: 'https://thirdwx.qlogo.cn/a.png', gender: 2, city: 'Hangzhou', province: 'Zhejiang', country: 'China', language: 'zh_CN', is_demote: true };
    const res = await t.request('POST', LOGIN, { body: { code: t.fake.issueCode('o_info'), userInfo } });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ nickname: '小明', avatarUrl: userInfo.avatarUrl, gender: 'female', city: 'Hangzhou', province: 'Zhejiang', country: 'China', language: 'zh_CN' });

    const again = await t.request('POST', LOGIN, { body: { code: t.fake.issueCode('o_info') } });
    expect(again.body.user.nickname).toBe('小明');
  });

  it.each([
    ['a missing code', {}],
    ['an empty code', { code: '' }],
    ['a non-string code', { code: 123 }],
    ['a code over 128 characters', { code: 'x'.repeat(129) }],
    ['an unknown property', { code: 'abc', role: 'admin' }],
    ['a bad userInfo gender', { code: 'abc', userInfo: { gender: 5 } }],
    ['a NUL character in userInfo.nickName', { code: 'abc', userInfo: { nickName: 'a\u0000b' } }],
    ['a NUL character in userInfo.city', { code: 'abc', userInfo: { city: '\u0000' } }],
  ])('should answer 400 for %s without calling WeChat', async (_name, body) => {
    const res = await t.request('POST', LOGIN, { body });
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
    expect(t.fake.calls.jscode2session).toBe(0);
    expect(await userCount()).toBe(0);
  });

  it('should answer 400 for a NUL character in userInfo without spending the code', async () => {
    const code = t.fake.issueCode('o_nul');
    const res = await t.request('POST', LOGIN, { body: { code, userInfo: { nickName: '小\u0000明' } } });
    expect(res.status).toBe(400);
    expect(t.fake.calls.jscode2session).toBe(0);
    const again = await t.request('POST', LOGIN, { body: { code, userInfo: { nickName: '小明' } } });
    expect(again.status).toBe(200);
    expect(again.body.user.nickname).toBe('小明');
  });

  it('should answer 400 for a body that is not an object', async () => {
    const res = await t.request('POST', LOGIN, { rawBody: '"just a string"' });
    expect(res.status).toBe(400);
    expect(t.fake.calls.jscode2session).toBe(0);
  });

  it.each([
    [40029, 401, 'WECHAT_CODE_INVALID'],
    [40163, 401, 'WECHAT_CODE_USED'],
    [45011, 429, 'WECHAT_RATE_LIMITED'],
    [40226, 403, 'WECHAT_USER_BLOCKED'],
    [40125, 502, 'WECHAT_ERROR'],
  ])('should map errcode %i to %i %s and create no user', async (errcode, status, code) => {
    const res = await t.request('POST', LOGIN, { body: { code: t.fake.codeFailingWith(errcode) } });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status, code });
    expect(typeof res.body.message).toBe('string');
    expect(await userCount()).toBe(0);
  });

  it('should answer WECHAT_CODE_INVALID for a code WeChat never issued', async () => {
    const res = await t.request('POST', LOGIN, { body: { code: 'never-issued' } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('WECHAT_CODE_INVALID');
  });

  it('should answer WECHAT_CODE_USED when a spent code is posted again', async () => {
    const code = t.fake.issueCode('o_spent');
    expect((await t.request('POST', LOGIN, { body: { code } })).status).toBe(200);
    const again = await t.request('POST', LOGIN, { body: { code } });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('WECHAT_CODE_USED');
  });

  it('should retry one busy answer (-1) to success', async () => {
    t.fake.failNext({ kind: 'busy' });
    const res = await t.request('POST', LOGIN, { body: { code: t.fake.issueCode('o_busy') } });
    expect(res.status).toBe(200);
    expect(t.fake.calls.jscode2session).toBe(1); // the busy answer is served before the endpoint counts
  });

  it('should retry an HTTP 502 and unparseable answers to success', async () => {
    t.fake.failNext({ kind: 'http', status: 502 }, { kind: 'garbage' });
    const res = await t.request('POST', LOGIN, { body: { code: t.fake.issueCode('o_5xx') } });
    expect(res.status).toBe(200);
    expect(res.body.user.openid).toBe('o_5xx');
  });

  it('should answer 503 WECHAT_UNAVAILABLE when WeChat stays busy, creating nothing', async () => {
    t.fake.failNext({ kind: 'busy' }, { kind: 'busy' }, { kind: 'busy' });
    const res = await t.request('POST', LOGIN, { body: { code: t.fake.issueCode('o_down') } });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('WECHAT_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(await userCount()).toBe(0);
  });

  it('should give up on a WeChat that never answers within 3 × timeout + 1 s', async () => {
    const short = await startTestAppForTest({ env: { WECHAT_TIMEOUT_MS: '300' }, fake: t.fake });
    t.fake.failNext({ kind: 'slow', ms: 10_000 }, { kind: 'slow', ms: 10_000 }, { kind: 'slow', ms: 10_000 });
    const started = performance.now();
    const res = await short.request('POST', LOGIN, { body: { code: t.fake.issueCode('o_slow') } });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('WECHAT_UNAVAILABLE');
    // A bound, not a speed measurement: it must not hang on the slow server.
    expect(elapsed).toBeLessThan(3 * 300 + 1000);
    expect(await userCount()).toBe(0);
  });

  it('should answer 503 when WeChat is unreachable', async () => {
    const down = await startTestAppForTest({ env: { WECHAT_API_BASE: 'http://127.0.0.1:1', WECHAT_TIMEOUT_MS: '300' } });
    const res = await down.request('POST', LOGIN, { body: { code: 'anything' } });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('WECHAT_UNAVAILABLE');
  });

  it('should create exactly one user for 40 concurrent first logins of one openid', async () => {
    const codes = Array.from({ length: 40 }, () => t.fake.issueCode('o_race'));
    const results = await Promise.all(codes.map((code) => t.request('POST', LOGIN, { body: { code } })));
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(results.filter((r) => r.body.isNewUser === true)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.user.id)).size).toBe(1);
    expect(await userCount()).toBe(1);
  });

  it('should send a double-tapped code to WeChat once and answer both requests', async () => {
    t.fake.latencyMs = 150; // keep the first exchange in flight while the second arrives
    const code = t.fake.issueCode('o_tap');
    const [a, b] = await Promise.all([
      t.request('POST', LOGIN, { body: { code } }),
      t.request('POST', LOGIN, { body: { code } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(t.fake.calls.jscode2session).toBe(1);
    expect(a.body.user.id).toBe(b.body.user.id);
    expect(a.body.refreshToken).not.toBe(b.body.refreshToken);

    t.fake.latencyMs = 0;
    const later = await t.request('POST', LOGIN, { body: { code } });
    expect(later.status).toBe(401);
    expect(later.body.code).toBe('WECHAT_CODE_USED');
  });

  it('should refuse a disabled account with 403 USER_DISABLED and leave it unchanged', async () => {
    const pair = await t.login('o_disabled');
    await t.dataSource.query(`UPDATE users SET disabled = true WHERE id = $1`, [pair.user.id]);
    const [before] = await t.dataSource.query(`SELECT session_key_enc, updated_at FROM users WHERE id = $1`, [pair.user.id]);
    const res = await t.request('POST', LOGIN, { body: { code: t.fake.issueCode('o_disabled'), userInfo: { nickName: 'changed' } } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('USER_DISABLED');
    const [after] = await t.dataSource.query(`SELECT session_key_enc, updated_at, nickname FROM users WHERE id = $1`, [pair.user.id]);
    expect(after.session_key_enc).toBe(before.session_key_enc);
    expect(after.updated_at).toEqual(before.updated_at);
    expect(after.nickname).toBeNull();
  });

  it('should never put the session_key in a response and store it sealed', async () => {
    const pair = await t.login('o_secret');
    const sessionKey = t.fake.sessionKeyOf('o_secret')!;
    expect(sessionKey).toBeTruthy();
    const responses = [
      JSON.stringify(pair),
      (await t.request('GET', '/api/users/me', { token: pair.accessToken })).text,
      (await t.request('PATCH', '/api/users/me', { token: pair.accessToken, body: { nickname: 'n' } })).text,
      (await t.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } })).text,
    ];
    const rawKey = Buffer.from(sessionKey, 'base64');
    for (const text of responses) {
      expect(text).not.toContain(sessionKey);
      expect(text).not.toContain(rawKey.toString('hex'));
      expect(text).not.toMatch(/session_?key/i);
    }
    const [row] = await t.dataSource.query(`SELECT session_key_enc FROM users WHERE openid = 'o_secret'`);
    expect(row.session_key_enc).not.toContain(sessionKey);
    expect(row.session_key_enc).not.toContain(rawKey.toString('hex'));
    expect(row.session_key_enc).not.toContain(rawKey.toString('base64url'));
  });

  it('should replace the stored session_key at every login', async () => {
    await t.login('o_rotate');
    const [first] = await t.dataSource.query(`SELECT session_key_enc FROM users WHERE openid = 'o_rotate'`);
    await t.login('o_rotate');
    const [second] = await t.dataSource.query(`SELECT session_key_enc FROM users WHERE openid = 'o_rotate'`);
    expect(second.session_key_enc).not.toBe(first.session_key_enc);
  });
});

describe('POST /api/auth/wechat/login with the development fake of WeChat', () => {
  const devFake = new DevWechatServer({ appid: TEST_APPID, secret: TEST_WECHAT_SECRET });
  // Registered before the app: listening before it starts, closed after it closes (after-hooks run in reverse).
  beforeAll(async () => devFake.listen());
  afterAll(async () => devFake.close());
  const t = useTestApp({ fake: devFake });
  const login = (code: string) => t.request('POST', LOGIN, { body: { code } });

  it('should map an ordinary code to the openid dev_<code>, the same user every time', async () => {
    const first = await login('alice');
    expect(first.status).toBe(200);
    expect(first.body.user.openid).toBe('dev_alice');
    const again = await login('alice');
    expect(again.body).toMatchObject({ isNewUser: false, user: { id: first.body.user.id } });
    const hundred = 'h'.repeat(100);
    expect((await login(hundred)).body.user.openid).toBe(`dev_${hundred}`);
  });

  it.each([101, 125, 128])('should give a %i-character code a bounded openid, one user per code', async (length) => {
    const code = 'x'.repeat(length - 1) + 'y';
    const first = await login(code);
    expect(first.status).toBe(200);
    expect(first.body.user.openid).toBe(`dev_${createHash('sha256').update(code).digest('hex')}`);
    expect(first.body.isNewUser).toBe(true);
    const again = await login(code);
    expect(again.body).toMatchObject({ isNewUser: false, user: { id: first.body.user.id } });
    expect((await login('x'.repeat(length))).body.user.id).not.toBe(first.body.user.id);
  });
});
