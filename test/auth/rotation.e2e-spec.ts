import { describe, expect, it } from 'vitest';
import { decodeJwt } from '../support/jwt';
import { loginWithKey, sealOpenData, watermark } from '../support/open-data';
import { startTestAppForTest, TestApp, useTestApp } from '../support/test-app';

const S1 = 'first-signing-secret-first-signing-secret-1';
const S2 = 'second-signing-secret-second-signing-secret-2';
const K1 = '11'.repeat(32);
const K2 = '22'.repeat(32);

function headerOf(token: string): { kid?: string } {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
}

/** A profile update whose encryptedData only the user's current session_key opens (so the stored, sealed one must open). */
async function decryptProfile(t: TestApp, token: string, sessionKey: string, nickName: string) {
  const data = sealOpenData(sessionKey, { nickName, watermark: watermark() });
  return t.request('POST', '/api/users/me/wechat-profile', { token, body: data });
}

describe('rotating JWT_SECRET and DATA_ENCRYPTION_KEY', () => {
  // The first generation of the app, whose sessions and sealed data must survive the rotation.
  const before = useTestApp({ env: { JWT_SECRET: S1, DATA_ENCRYPTION_KEY: K1 } });

  it('should keep old sessions and old sealed session_keys working after a restart with both rotated', async () => {
    const user = await loginWithKey(before, 'o_rotation');
    const pair = await before.login('o_rotation_2');
    expect(headerOf(user.token).kid).toEqual(expect.any(String));

    const after = await startTestAppForTest({
      fake: before.fake,
      env: { JWT_SECRET: S2, JWT_PREVIOUS_SECRETS: S1, DATA_ENCRYPTION_KEY: K2, DATA_ENCRYPTION_PREVIOUS_KEYS: K1 },
    });
    // An access token signed with the old secret is still good, by its kid.
    expect((await after.request('GET', '/api/users/me', { token: user.token })).status).toBe(200);
    // The old session refreshes; its new access token is signed with the new secret.
    const refreshed = await after.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(headerOf(refreshed.body.accessToken).kid).not.toBe(headerOf(pair.accessToken).kid);
    expect(decodeJwt(refreshed.body.accessToken).sid).toBe(decodeJwt(pair.accessToken).sid);
    // The session_key sealed under the old key still opens.
    const res = await decryptProfile(after, user.token, user.sessionKey, 'still-opens');
    expect(res.status).toBe(200);
    expect(res.body.nickname).toBe('still-opens');

    // Once the previous secret and key are dropped, the old token is refused, and a session_key
    // sealed before the rotation no longer opens — but a login seals it anew with the new key.
    const later = await startTestAppForTest({ fake: before.fake, env: { JWT_SECRET: S2, DATA_ENCRYPTION_KEY: K2 } });
    expect((await later.request('GET', '/api/users/me', { token: user.token })).status).toBe(401);
    expect((await later.request('GET', '/api/users/me', { token: refreshed.body.accessToken })).status).toBe(200);
    const stale = await decryptProfile(later, refreshed.body.accessToken, before.fake.sessionKeyOf('o_rotation_2') ?? '', 'x');
    expect(stale.body.code).toBe('SESSION_KEY_STALE');
    const again = await loginWithKey(later, 'o_rotation');
    expect((await decryptProfile(later, again.token, again.sessionKey, 'resealed')).status).toBe(200);
  });
});
