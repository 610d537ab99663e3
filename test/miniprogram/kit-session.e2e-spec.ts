import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/sessions.service';
import { signInAccount } from '../support/factories';
import { openLockHolder } from '../support/locks';
import {
  expireStoredAccessToken,
  gate,
  phone,
  rejectionOf,
  useKitServer,
  sessionOf,
  STORAGE_KEY,
  storedPair,
  until,
} from '../support/miniprogram/kit-harness';

const LOGIN = '/api/auth/wechat/login';
const REFRESH = '/api/auth/refresh';
const ME = '/api/users/me';

/** The mini program kit (miniprogram/utils/api.js) in a Node `wx` shim, against the real server. */
describe('mini program kit: login, refresh and sessions', () => {
  const { t, server } = useKitServer();

  it('should log in on first use: wx.login, one login call, the pair in storage, the bearer token on the next call', async () => {
    const p = phone(t, { openid: 'o_mp_first' });
    expect(p.api.isLoggedIn()).toBe(false);
    const pair = await p.api.login();
    expect(pair).toMatchObject({ tokenType: 'Bearer', isNewUser: true, user: { openid: 'o_mp_first' } });
    expect(storedPair(p.shim)).toEqual({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    expect(p.api.isLoggedIn()).toBe(true);
    const me = await p.api.getMe();
    expect(me.openid).toBe('o_mp_first');
    expect(p.shim.exchangesTo(ME)).toEqual([expect.objectContaining({ status: 200, authorization: `Bearer ${pair.accessToken}` })]);
    expect(p.shim.calls.login).toBe(1);
    expect(server.to('POST', LOGIN)).toHaveLength(1);
  });

  it('should share one login among login() calls and calls that find no pair at the same moment', async () => {
    const p = phone(t, { openid: 'o_mp_concurrent_login' });
    const [a, b, me] = await Promise.all([p.api.login(), p.api.login(), p.api.getMe()]);
    expect(b.accessToken).toBe(a.accessToken);
    expect(me.id).toBe(a.user.id);
    expect(p.shim.calls.login).toBe(1);
    expect(server.to('POST', LOGIN)).toHaveLength(1);
  });

  it('should refresh an expired access token transparently and replay the call once', async () => {
    const p = phone(t, { openid: 'o_mp_expired' });
    const first = await p.api.login();
    expireStoredAccessToken(p.shim);

    const me = await p.api.getMe();
    expect(me.openid).toBe('o_mp_expired');
    const now = storedPair(p.shim)!;
    expect(now.refreshToken).not.toBe(first.refreshToken);
    expect(p.shim.exchangesTo(ME).map((e) => [e.status, e.authorization])).toEqual([
      [401, expect.any(String)],
      [200, `Bearer ${now.accessToken}`],
    ]);
    expect(p.shim.exchangesTo(ME)[0].body).toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(server.to('POST', REFRESH).map((r) => r.status)).toEqual([200]);
    expect(p.shim.calls.login).toBe(1);
    expect(await sessionOf(t, now.accessToken)).toEqual({ revoked: false, tokens: 2, spent: 1 });
  });

  it('should send exactly one refresh for ten calls failing together on an expired token', async () => {
    const p = phone(t, { openid: 'o_mp_ten' });
    await p.api.login();
    expireStoredAccessToken(p.shim);
    server.clear();

    const results = await Promise.all(Array.from({ length: 10 }, () => p.api.getMe()));
    expect(results.map((u) => u.openid)).toEqual(Array(10).fill('o_mp_ten'));
    expect(server.to('POST', REFRESH).map((r) => r.status)).toEqual([200]);
    const pair = storedPair(p.shim)!;
    const replays = p.shim.exchangesTo(ME).filter((e) => e.status === 200);
    expect(replays).toHaveLength(10);
    expect(new Set(replays.map((e) => e.authorization))).toEqual(new Set([`Bearer ${pair.accessToken}`]));
    expect(await sessionOf(t, pair.accessToken)).toEqual({ revoked: false, tokens: 2, spent: 1 });
    expect(p.shim.calls.login).toBe(1);
  });

  it('should replay with the newer stored token, without refreshing, when a 401 arrives after another page refreshed', async () => {
    const p = phone(t, { openid: 'o_mp_newer' });
    await p.api.login();
    expireStoredAccessToken(p.shim);
    const held = gate();
    let holding = false;
    p.shim.onResponse = (e) => {
      if (e.path === ME && e.status === 401) {
        holding = true;
        return held.promise;
      }
    };
    const pending = p.api.getMe();
    await until(() => holding, 'the 401 to reach the phone');

    // Meanwhile another page of the mini program refreshed and stored the new pair.
    const other = await t.request('POST', REFRESH, { body: { refreshToken: storedPair(p.shim)!.refreshToken } });
    expect(other.status).toBe(200);
    p.shim.writeStorage(STORAGE_KEY, { accessToken: other.body.accessToken, refreshToken: other.body.refreshToken });
    p.shim.onResponse = null;
    held.open();

    expect((await pending).openid).toBe('o_mp_newer');
    expect(server.to('POST', REFRESH)).toHaveLength(1); // the other page's, none from this call
    expect(p.shim.exchangesTo(ME).at(-1)).toMatchObject({ status: 200, authorization: `Bearer ${other.body.accessToken}` });
    expect(await sessionOf(t, other.body.accessToken)).toMatchObject({ revoked: false });
  });

  it('should keep two copies of the kit sharing one storage working when they refresh at the same moment, without revoking the session', async () => {
    const p = phone(t, { openid: 'o_mp_two_copies' });
    // A second copy of api.js in the same mini program (say, bundled again in a subpackage).
    const otherCopy = p.runtime.loadKit(true).createApi({ baseUrl: t.url, wx: p.shim.wx as any, storageKey: STORAGE_KEY });
    await p.api.login();
    expireStoredAccessToken(p.shim);
    server.clear();

    const [a, b] = await Promise.all([p.api.getMe(), otherCopy.getMe()]);
    expect([a.openid, b.openid]).toEqual(['o_mp_two_copies', 'o_mp_two_copies']);
    expect(server.to('POST', REFRESH).map((r) => [r.status, r.code])).toEqual([[200, null]]);
    const pair = storedPair(p.shim)!;
    expect(await sessionOf(t, pair.accessToken)).toEqual({ revoked: false, tokens: 2, spent: 1 });
    // The stored pair is the live one: both its tokens work.
    expect((await t.request('GET', ME, { token: pair.accessToken })).status).toBe(200);
    expect((await t.request('POST', REFRESH, { body: { refreshToken: pair.refreshToken } })).status).toBe(200);
    expect(p.shim.calls.login).toBe(1);
  });

  it('should wait for the pair of whoever wins REFRESH_IN_PROGRESS, then replay with it, without logging in again', async () => {
    const p = phone(t, { openid: 'o_mp_in_progress' });
    await p.api.login();
    const before = storedPair(p.shim)!;
    expireStoredAccessToken(p.shim);

    // Another refresher is in the middle of spending this token (it holds the row).
    const holder = await openLockHolder(t);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE', [hashToken(before.refreshToken)]);
      const pending = p.api.getMe();
      await until(() => server.to('POST', REFRESH).some((r) => r.code === 'REFRESH_IN_PROGRESS'), 'REFRESH_IN_PROGRESS');
      await holder.query('ROLLBACK');
      // …and it finishes, storing its pair where the kit reads.
      const winner = await t.request('POST', REFRESH, { body: { refreshToken: before.refreshToken } });
      expect(winner.status).toBe(200);
      p.shim.writeStorage(STORAGE_KEY, { accessToken: winner.body.accessToken, refreshToken: winner.body.refreshToken });

      expect((await pending).openid).toBe('o_mp_in_progress');
      expect(p.shim.exchangesTo(REFRESH).map((e) => e.status)).toEqual([401]);
      expect(p.shim.exchangesTo(ME).at(-1)).toMatchObject({ status: 200, authorization: `Bearer ${winner.body.accessToken}` });
      expect(await sessionOf(t, winner.body.accessToken)).toMatchObject({ revoked: false });
      expect(p.shim.calls.login).toBe(1);
    } finally {
      await holder.end();
    }
  });

  it.each([
    ['REFRESH_TOKEN_INVALID (the session was ended elsewhere)', 'logout'],
    ['REFRESH_TOKEN_REUSED (the token was spent behind its back)', 'spend'],
  ])('should clear the pair and log in from scratch once when the refresh fails with %s', async (_name, how) => {
    const p = phone(t, { openid: `o_mp_refresh_fails_${how}` });
    await p.api.login();
    const before = storedPair(p.shim)!;
    expireStoredAccessToken(p.shim);
    if (how === 'logout') expect((await t.request('POST', '/api/auth/logout', { body: { refreshToken: before.refreshToken } })).status).toBe(204);
    else expect((await t.request('POST', REFRESH, { body: { refreshToken: before.refreshToken } })).status).toBe(200);
    server.clear();

    const me = await p.api.getMe();
    expect(me.openid).toBe(`o_mp_refresh_fails_${how}`);
    expect(server.to('POST', REFRESH).map((r) => r.code)).toEqual([how === 'logout' ? 'REFRESH_TOKEN_INVALID' : 'REFRESH_TOKEN_REUSED']);
    expect(server.to('POST', LOGIN).map((r) => r.status)).toEqual([200]);
    expect(p.shim.calls.login).toBe(2);
    const after = storedPair(p.shim)!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(await sessionOf(t, after.accessToken)).toEqual({ revoked: false, tokens: 1, spent: 0 });
  });

  it('should log in again once when the session was revoked under a live access token', async () => {
    const p = phone(t, { openid: 'o_mp_revoked' });
    const first = await p.api.login();
    expect((await t.request('POST', '/api/auth/logout', { body: { refreshToken: first.refreshToken } })).status).toBe(204);
    await until(async () => (await t.request('GET', ME, { token: first.accessToken })).status === 401, 'the revocation to apply');
    server.clear();

    expect((await p.api.getMe()).openid).toBe('o_mp_revoked');
    expect(p.shim.exchangesTo(ME).map((e) => e.status)).toEqual([401, 200]);
    expect(p.shim.exchangesTo(ME)[0].body).toMatchObject({ code: 'TOKEN_INVALID' });
    expect(server.to('POST', LOGIN)).toHaveLength(1);
    expect(server.to('POST', REFRESH)).toHaveLength(0);
    expect(p.shim.calls.login).toBe(2);
  });

  it('should stop at USER_DISABLED: clear the pair, surface the error with its request id, retry nothing', async () => {
    const p = phone(t, { openid: 'o_mp_disabled' });
    const pair = await p.api.login();
    const admin = await signInAccount(t, 'admin');
    const disabled = await t.request('PATCH', `/api/users/${pair.user.id}`, { token: admin.token, body: { disabled: true } });
    expect(disabled.status).toBe(200);
    server.clear();

    const err = await rejectionOf(p.api.getMe());
    expect(err).toMatchObject({ name: 'ApiError', statusCode: 403, code: 'USER_DISABLED', needsFreshData: false });
    expect(err.message).toMatch(/disabled/i);
    const lastLogin = p.shim.exchangesTo(LOGIN).at(-1)!;
    expect(lastLogin.status).toBe(403);
    expect(err.requestId).toMatch(/^mp-/);
    expect(err.requestId).toBe(lastLogin.requestId); // the id the server answered with, so its logs can be found
    expect(server.to('POST', LOGIN).map((r) => [r.status, r.code])).toEqual([[403, 'USER_DISABLED']]);
    expect(storedPair(p.shim)).toBeNull();

    // With an expired token the refresh path ends the same way.
    const again = phone(t, { openid: 'o_mp_disabled' });
    again.shim.writeStorage(STORAGE_KEY, { accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    expireStoredAccessToken(again.shim);
    server.clear();
    expect(await rejectionOf(again.api.getMe())).toMatchObject({ statusCode: 403, code: 'USER_DISABLED' });
    expect(server.to('POST', LOGIN)).toHaveLength(1);
    expect(storedPair(again.shim)).toBeNull();

    // And a login that finds a pair stored (WeChat's session expired at launch) clears it.
    const atLaunch = phone(t, { openid: 'o_mp_disabled' });
    atLaunch.shim.writeStorage(STORAGE_KEY, { accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    atLaunch.shim.sessionValid = false;
    expect(await rejectionOf(atLaunch.api.ensureSession())).toMatchObject({ statusCode: 403, code: 'USER_DISABLED' });
    expect(storedPair(atLaunch.shim)).toBeNull();
  });

  it('should forget the pair at once on logout and revoke the session at the server', async () => {
    const p = phone(t, { openid: 'o_mp_logout' });
    const pair = await p.api.login();
    await p.api.logout();
    expect(storedPair(p.shim)).toBeNull();
    expect(p.api.isLoggedIn()).toBe(false);
    expect(await sessionOf(t, pair.accessToken)).toMatchObject({ revoked: true });
    expect((await t.request('POST', REFRESH, { body: { refreshToken: pair.refreshToken } })).status).toBe(401);
  });

  it('should not store the pair of a refresh that answers after logout', async () => {
    const p = phone(t, { openid: 'o_mp_logout_race', apiOptions: { autoLogin: false } });
    const first = await p.api.login();
    expireStoredAccessToken(p.shim);
    const held = gate();
    let holding = false;
    p.shim.onResponse = (e) => {
      if (e.path === REFRESH && e.status === 200) {
        holding = true;
        return held.promise;
      }
    };
    const pending = rejectionOf(p.api.getMe());
    await until(() => holding, 'the refresh to be answered');
    await p.api.logout();
    held.open();

    expect(await pending).toMatchObject({ code: 'NOT_LOGGED_IN' });
    expect(storedPair(p.shim)).toBeNull();
    expect(await sessionOf(t, first.accessToken)).toMatchObject({ revoked: true });
  });

  it('should not log in by itself when autoLogin is off', async () => {
    const p = phone(t, { openid: 'o_mp_manual', apiOptions: { autoLogin: false } });
    expect(await rejectionOf(p.api.getMe())).toMatchObject({ statusCode: 0, code: 'NOT_LOGGED_IN' });
    expect(p.shim.calls.login).toBe(0);
    expect(server.requests).toHaveLength(0);
  });
});
