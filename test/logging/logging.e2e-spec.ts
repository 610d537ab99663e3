import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAccount } from '../support/factories';
import { startTestApp, TEST_WECHAT_SECRET, TestApp } from '../support/test-app';
import { readableForms, sealOpenData, signRawData, watermark } from '../support/open-data';

/**
 * Runs every flow that handles a secret while capturing the app's log stream, then looks
 * for each secret in it. (Nest's static Logger writes to the last app made in a process:
 * this file's only app, which is why the capture is set up here and nowhere else.)
 */
describe('logs', () => {
  let t: TestApp;
  const lines: string[] = [];
  const secrets = new Map<string, string>();
  const keep = (what: string, value: string | null | undefined) => {
    if (!value) throw new Error(`no ${what} to look for`);
    secrets.set(`${what} #${secrets.size}`, value);
  };
  const requestIds: string[] = [];
  // WeChat's request ids (its support asks for them), as the fake puts them in errmsg.
  const BUSY_RID = '6405e2b7-2cc2b7a5-0001';
  const REFUSED_RID = '6405e2b7-2cc2b7a5-0002';

  beforeAll(async () => {
    t = await startTestApp({ env: { LOG_LEVEL: 'trace' }, logDestination: { write: (line: string) => void lines.push(line) } });
    await t.reset();
    keep('WeChat secret', TEST_WECHAT_SECRET);

    // WeChat login, with a busy WeChat first so the client logs its retry.
    t.fake.failNext({ kind: 'busy' });
    const code = t.fake.issueCode('o_logs');
    keep('login code', code);
    const login = await t.request('POST', '/api/auth/wechat/login', {
      body: { code, userInfo: { nickName: '小明', gender: 1 } },
      headers: { 'x-request-id': 'log-test-login-1' },
    });
    expect(login.status).toBe(200);
    requestIds.push(login.headers.get('x-request-id')!);
    keep('access token', login.body.accessToken);
    keep('refresh token', login.body.refreshToken);
    const sessionKey = t.fake.sessionKeyOf('o_logs')!;
    for (const form of readableForms(sessionKey)) keep('session_key', form);

    // A spent code (WeChat answers 40163 and the client logs the errcode and rid).
    const reused = await t.request('POST', '/api/auth/wechat/login', { body: { code } });
    expect(reused.status).toBe(401);

    // WeChat errors with known rids: a busy answer (retried to success) and an errcode the
    // client cannot fix (40125, logged by the HTTP client and by the login service).
    t.fake.failNext({ kind: 'busy', rid: BUSY_RID });
    const retried = t.fake.issueCode('o_logs_rid');
    keep('login code', retried);
    expect((await t.request('POST', '/api/auth/wechat/login', { body: { code: retried } })).status).toBe(200);
    const refusedCode = t.fake.codeFailingWith(40125, REFUSED_RID);
    keep('login code', refusedCode);
    expect((await t.request('POST', '/api/auth/wechat/login', { body: { code: refusedCode } })).status).toBe(502);

    // Refresh.
    const refreshed = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    keep('access token', refreshed.body.accessToken);
    keep('refresh token', refreshed.body.refreshToken);
    const token = refreshed.body.accessToken;

    // Decrypt: wx.getUserProfile's encryptedData, iv, rawData and signature.
    const profile = sealOpenData(sessionKey, { openId: 'o_logs', nickName: '小红', gender: 2, watermark: watermark() });
    const rawData = JSON.stringify({ nickName: '小红', gender: 2 });
    const signature = signRawData(rawData, sessionKey);
    keep('encryptedData', profile.encryptedData);
    keep('iv', profile.iv);
    keep('signature', signature);
    const decrypted = await t.request('POST', '/api/users/me/wechat-profile', { token, body: { ...profile, rawData, signature } });
    expect(decrypted.status).toBe(200);
    // A stale session_key: the failure path logs too.
    const stale = await t.request('POST', '/api/users/me/wechat-profile', { token, body: { ...profile, iv: Buffer.alloc(16, 7).toString('base64') } });
    expect(stale.status).toBe(400);

    // Phone by code: the app fetches WeChat's access token and sends it as ?access_token=.
    const phoneCode = t.fake.issuePhoneCode({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    keep('phone code', phoneCode);
    const phone = await t.request('POST', '/api/users/me/phone', { token, body: { code: phoneCode } });
    expect(phone.status).toBe(200);
    keep('WeChat access token', t.fake.currentAccessToken);

    // Password login, a wrong password, and a request that puts secrets where a careless
    // logger would print them: the query string and cookies.
    const admin = await insertAccount(t, { role: 'admin', password: 'correct-horse-battery-staple-42' });
    keep('password', admin.password);
    const pw = await t.request('POST', '/api/auth/token', { body: { username: admin.username, password: admin.password } });
    expect(pw.status).toBe(200);
    keep('access token', pw.body.accessToken);
    keep('refresh token', pw.body.refreshToken);
    keep('wrong password', 'Tr0ub4dor&3-wrong-guess');
    expect((await t.request('POST', '/api/auth/token', { body: { username: admin.username, password: 'Tr0ub4dor&3-wrong-guess' } })).status).toBe(401);
    const leakyQuery = await t.request('GET', `/api/users/me?access_token=${pw.body.accessToken}`, {
      token: pw.body.accessToken,
      headers: { cookie: `session=${pw.body.refreshToken}` },
    });
    requestIds.push(leakyQuery.headers.get('x-request-id')!);

    expect((await t.request('POST', '/api/auth/logout', { body: { refreshToken: pw.body.refreshToken } })).status).toBe(204);
  });
  afterAll(async () => t.close());

  it('should be JSON lines', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('should carry the request id in the summary line of every request and in the app’s own lines', () => {
    const entries = lines.map((l) => JSON.parse(l));
    for (const id of requestIds) {
      expect(entries.some((e) => e.req?.id === id && e.res?.statusCode && typeof e.responseTime === 'number')).toBe(true);
    }
    // WechatHttpClient logged the busy answer through Nest's Logger, inside the login request.
    const retry = entries.find((e) => e.context === 'WechatHttpClient' && /retrying/.test(e.msg));
    expect(retry).toBeDefined();
    expect(retry.req.id).toBe('log-test-login-1');
    expect(retry.level).toBe('warn');
  });

  it('should carry WeChat’s rid in the warn and error lines about WeChat’s errors', () => {
    const entries = lines.map((l) => JSON.parse(l));
    const about = (rid: string) => entries.filter((e) => typeof e.msg === 'string' && e.msg.includes(`rid=${rid}`)).map((e) => [e.context, e.level]);
    expect(about(BUSY_RID)).toEqual([['WechatHttpClient', 'warn']]);
    expect(about(REFUSED_RID)).toEqual(
      expect.arrayContaining([
        ['WechatHttpClient', 'warn'],
        ['WechatService', 'error'],
      ]),
    );
  });

  it('should keep the path and harmless query parameters, and redact secret ones', () => {
    const entries = lines.map((l) => JSON.parse(l));
    const leaky = entries.find((e) => e.req?.id === requestIds[1] && e.res);
    expect(leaky.req.url).toBe('/api/users/me?access_token=[Redacted]');
    expect(leaky.req.headers).toBeUndefined();
  });

  it('should never contain a secret used in the flows', () => {
    const all = lines.join('\n');
    expect(secrets.size).toBeGreaterThan(15);
    for (const [what, value] of secrets) {
      expect(all.includes(value), `${what} appears in the logs`).toBe(false);
    }
    expect(all).not.toMatch(/authorization|bearer /i);
  });
});
