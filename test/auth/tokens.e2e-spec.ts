import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeJwt, signJwt, unsignedJwt } from '../support/jwt';
import { answerOrLockWait, openLockHolder } from '../support/locks';
import { PRINCIPAL_TTL_MS } from '../../src/auth/principal-cache';
import { TEST_JWT_SECRET, useTestApp } from '../support/test-app';

const now = () => Math.floor(Date.now() / 1000);

describe('access and refresh tokens', () => {
  const t = useTestApp();
  const me = (token: string, scheme = 'Bearer') => t.request('GET', '/api/users/me', { headers: { authorization: `${scheme} ${token}` } });
  const refresh = (refreshToken: string) => t.request('POST', '/api/auth/refresh', { body: { refreshToken } });

  describe('access tokens', () => {
    it('should carry sub, sid, iat and exp, signed with HS256', async () => {
      const pair = await t.login('o_claims');
      const [header] = pair.accessToken.split('.');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
      const claims = decodeJwt(pair.accessToken);
      expect(claims.sub).toBe(pair.user.id);
      expect(typeof claims.sid).toBe('string');
      expect(claims.exp - claims.iat).toBe(pair.expiresIn);
    });

    it.each(['Bearer', 'JWT', 'bearer'])('should accept the %s prefix', async (scheme) => {
      const pair = await t.login('o_prefix');
      const res = await me(pair.accessToken, scheme);
      expect(res.status).toBe(200);
      expect(res.body.openid).toBe('o_prefix');
    });

    it('should answer 401 without a token or with an unknown scheme', async () => {
      const pair = await t.login('o_none');
      expect((await t.request('GET', '/api/users/me')).status).toBe(401);
      expect((await me(pair.accessToken, 'Token')).status).toBe(401);
      expect((await t.request('GET', '/api/users/me', { headers: { authorization: pair.accessToken } })).status).toBe(401);
    });

    it('should answer 401 for a token whose claims were changed after signing (only the signature can tell)', async () => {
      const pair = await t.login('o_tamper');
      const claims = decodeJwt(pair.accessToken);
      const [header, , signature] = pair.accessToken.split('.');
      // Same sub and sid, so the session check would pass: only the HMAC protects `exp`.
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 30 * 24 * 3600 })).toString('base64url');
      const forged = `${header}.${forgedPayload}.${signature}`;
      const res = await me(forged);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('TOKEN_INVALID');
      expect((await t.request('POST', '/api/auth/verify', { body: { token: forged } })).status).toBe(401);
      expect((await me(pair.accessToken)).status).toBe(200);
    });

    it('should answer 401 for alg none', async () => {
      const pair = await t.login('o_algnone');
      expect((await me(unsignedJwt(decodeJwt(pair.accessToken)))).status).toBe(401);
    });

    it('should answer 401 for a token signed with another secret', async () => {
      const pair = await t.login('o_secret2');
      const forged = signJwt(decodeJwt(pair.accessToken), 'another-secret-that-is-also-32-characters-long');
      expect((await me(forged)).status).toBe(401);
    });

    it('should answer 401 for an HS512 token even with the right secret', async () => {
      const pair = await t.login('o_hs512');
      const claims = decodeJwt(pair.accessToken);
      const { createHmac } = await import('node:crypto');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      const token = `${unsigned}.${createHmac('sha512', TEST_JWT_SECRET).update(unsigned).digest('base64url')}`;
      expect((await me(token)).status).toBe(401);
    });

    it('should answer 401 TOKEN_EXPIRED for an expired token', async () => {
      const pair = await t.login('o_expired');
      const claims = decodeJwt(pair.accessToken);
      const expired = signJwt({ ...claims, iat: now() - 7200, exp: now() - 60 }, TEST_JWT_SECRET);
      const res = await me(expired);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('TOKEN_EXPIRED');
    });

    it('should answer 401 for a validly signed token of an unknown user or session', async () => {
      const pair = await t.login('o_unknown');
      const claims = decodeJwt(pair.accessToken);
      expect((await me(signJwt({ ...claims, sub: randomUUID() }, TEST_JWT_SECRET))).status).toBe(401);
      expect((await me(signJwt({ ...claims, sid: randomUUID() }, TEST_JWT_SECRET))).status).toBe(401);
      expect((await me(signJwt({ ...claims, sid: 'not-a-uuid' }, TEST_JWT_SECRET))).status).toBe(401);
    });

    it('should answer 401 when the token names another user’s session', async () => {
      const a = await t.login('o_a');
      const b = await t.login('o_b');
      const mixed = signJwt({ ...decodeJwt(a.accessToken), sid: decodeJwt(b.accessToken).sid }, TEST_JWT_SECRET);
      expect((await me(mixed)).status).toBe(401);
    });

    it('should answer 401 once the session is revoked by logout', async () => {
      const pair = await t.login('o_logout');
      expect((await me(pair.accessToken)).status).toBe(200);
      const out = await t.request('POST', '/api/auth/logout', { body: { refreshToken: pair.refreshToken } });
      expect(out.status).toBe(204);
      expect((await me(pair.accessToken)).status).toBe(401);
      const refresh = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } });
      expect(refresh.status).toBe(401);
    });

    // Changes made behind this instance's back (another instance, or SQL) show once its cached principal expires.
    it('should answer 401 for a user disabled elsewhere once the cache window has passed, within 5 seconds', async () => {
      const pair = await t.login('o_dis');
      expect((await me(pair.accessToken)).status).toBe(200);
      await t.dataSource.query(`UPDATE users SET disabled = true WHERE id = $1`, [pair.user.id]);
      t.clock.advance(PRINCIPAL_TTL_MS);
      expect((await me(pair.accessToken)).status).toBe(401);
      expect(PRINCIPAL_TTL_MS).toBeLessThanOrEqual(5000);
    });

    it('should answer 401 for a session revoked elsewhere once the cache window has passed, within 5 seconds', async () => {
      const pair = await t.login('o_revoked');
      // Held: only advance() moves the app's time, so the slow steps between do not use up the window.
      t.clock.hold();
      try {
        expect((await me(pair.accessToken)).status).toBe(200);
        await t.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1`, [pair.user.id]);
        t.clock.advance(PRINCIPAL_TTL_MS - 100);
        expect((await me(pair.accessToken)).status).toBe(200); // still the cached answer
        t.clock.advance(100);
        expect((await me(pair.accessToken)).status).toBe(401);
      } finally {
        t.clock.release();
      }
    });
  });

  describe('POST /api/auth/verify', () => {
    it('should describe a valid token', async () => {
      const pair = await t.login('o_verify');
      const res = await t.request('POST', '/api/auth/verify', { body: { token: pair.accessToken } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ valid: true, userId: pair.user.id, role: 'user', exp: decodeJwt(pair.accessToken).exp });
    });

    it('should answer 401 for a bad token and 400 for a missing one', async () => {
      expect((await t.request('POST', '/api/auth/verify', { body: { token: 'a.b.c' } })).status).toBe(401);
      expect((await t.request('POST', '/api/auth/verify', { body: {} })).status).toBe(400);
    });
  });

  describe('POST /api/auth/refresh', () => {
    it('should rotate: the new pair works and the old refresh token is spent', async () => {
      const pair = await t.login('o_rotate');
      const res = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', isNewUser: false, expiresIn: pair.expiresIn });
      expect(res.body.user.id).toBe(pair.user.id);
      expect(res.body.refreshToken).not.toBe(pair.refreshToken);
      expect(decodeJwt(res.body.accessToken).sid).toBe(decodeJwt(pair.accessToken).sid);
      expect((await me(res.body.accessToken)).status).toBe(200);

      const next = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: res.body.refreshToken } });
      expect(next.status).toBe(200);
    });

    it('should revoke the whole family when a spent token is presented again', async () => {
      const pair = await t.login('o_reuse');
      const first = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } });
      const second = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
      expect(second.status).toBe(200);

      const replay = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');

      // Every descendant of that login is dead: the newest refresh token and the access tokens.
      const descendant = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
      expect(descendant.status).toBe(401);
      expect((await me(second.body.accessToken)).status).toBe(401);
      expect((await me(pair.accessToken)).status).toBe(401);
    });

    it('should leave the user’s other sessions alone when one family is revoked', async () => {
      const phone = await t.login('o_two_devices');
      const tablet = await t.login('o_two_devices');
      await t.request('POST', '/api/auth/refresh', { body: { refreshToken: phone.refreshToken } });
      await t.request('POST', '/api/auth/refresh', { body: { refreshToken: phone.refreshToken } });
      expect((await me(phone.accessToken)).status).toBe(401);
      expect((await me(tablet.accessToken)).status).toBe(200);
    });

    it('should answer REFRESH_IN_PROGRESS, revoking nothing, while another rotation of the token holds it', async () => {
      const pair = await t.login('o_inflight');
      const sessionId = decodeJwt(pair.accessToken).sid;
      const holder = await openLockHolder(t);
      try {
        // The in-flight rotation: its transaction has locked the token row and not committed yet.
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM refresh_tokens WHERE session_id = $1 FOR UPDATE`, [sessionId]);
        const pending = refresh(pair.refreshToken);
        const outcome = await answerOrLockWait(holder, pending);
        await holder.query('ROLLBACK');
        await pending;
        expect(outcome, 'the refresh queued behind the lock instead of answering at once').not.toBe('waiting');
        if (outcome === 'waiting') return;
        expect(outcome.status).toBe(401);
        expect(outcome.body.code).toBe('REFRESH_IN_PROGRESS');
      } finally {
        await holder.end();
      }
      const [session] = await t.dataSource.query(`SELECT revoked_at FROM sessions WHERE id = $1`, [sessionId]);
      expect(session.revoked_at).toBeNull();
      expect((await me(pair.accessToken)).status).toBe(200);
      // The in-flight rotation rolled back: the token was never spent and still works once.
      expect((await refresh(pair.refreshToken)).status).toBe(200);
      expect((await refresh(pair.refreshToken)).body.code).toBe('REFRESH_TOKEN_REUSED');
    });

    it('should answer 401 REFRESH_TOKEN_INVALID for an unknown or expired token', async () => {
      const unknown = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: 'not-a-real-token' } });
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe('REFRESH_TOKEN_INVALID');

      const pair = await t.login('o_old');
      await t.dataSource.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second'`);
      const expired = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } });
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('REFRESH_TOKEN_INVALID');
    });

    it('should store refresh tokens only as hashes', async () => {
      const pair = await t.login('o_hash');
      const rows: { token_hash: Buffer }[] = await t.dataSource.query(`SELECT token_hash FROM refresh_tokens`);
      expect(rows).toHaveLength(1);
      const dump = JSON.stringify(await t.dataSource.query(`SELECT * FROM refresh_tokens`)) + JSON.stringify(await t.dataSource.query(`SELECT * FROM sessions`));
      expect(dump).not.toContain(pair.refreshToken);
      expect(rows[0].token_hash.toString('base64url')).not.toBe(pair.refreshToken);
    });

    it('should refuse a disabled user with 403 USER_DISABLED', async () => {
      const pair = await t.login('o_refresh_disabled');
      await t.dataSource.query(`UPDATE users SET disabled = true WHERE id = $1`, [pair.user.id]);
      const res = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('USER_DISABLED');
    });

    it('should answer 400 for a missing refresh token', async () => {
      expect((await t.request('POST', '/api/auth/refresh', { body: {} })).status).toBe(400);
      expect((await t.request('POST', '/api/auth/refresh', { body: { refreshToken: 42 } })).status).toBe(400);
    });
  });

  describe('POST /api/auth/logout', () => {
    it('should answer 204 for an unknown token and change nothing', async () => {
      const pair = await t.login('o_keep');
      const res = await t.request('POST', '/api/auth/logout', { body: { refreshToken: 'unknown' } });
      expect(res.status).toBe(204);
      expect((await me(pair.accessToken)).status).toBe(200);
    });

    it('should revoke the family even through a spent token', async () => {
      const pair = await t.login('o_spent_logout');
      const next = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } });
      expect((await t.request('POST', '/api/auth/logout', { body: { refreshToken: pair.refreshToken } })).status).toBe(204);
      expect((await me(next.body.accessToken)).status).toBe(401);
    });
  });
});

describe('JWT_VERIFY_EXPIRATION=false', () => {
  const t = useTestApp({ env: { JWT_VERIFY_EXPIRATION: 'false', JWT_ACCESS_TTL: '15m', JWT_REFRESH_TTL: '1h' } });

  it('should accept an expired access token (the seed recipe’s setting) and use the configured lifetime', async () => {
    const pair = await t.login('o_lenient');
    expect(pair.expiresIn).toBe(900);
    const expired = signJwt({ ...decodeJwt(pair.accessToken), exp: now() - 60 }, TEST_JWT_SECRET);
    const res = await t.request('GET', '/api/users/me', { token: expired });
    expect(res.status).toBe(200);
  });

  it('should still end the session at its refresh lifetime: the access token never outlives it', async () => {
    const pair = await t.login('o_lenient_end');
    const me = () => t.request('GET', '/api/users/me', { token: pair.accessToken });
    t.clock.advance(3600_000 - 60_000);
    expect((await me()).status).toBe(200);
    t.clock.advance(60_000 + PRINCIPAL_TTL_MS);
    const res = await me();
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_INVALID');
    expect((await t.request('POST', '/api/auth/refresh', { body: { refreshToken: pair.refreshToken } })).status).toBe(401);
  });
});
