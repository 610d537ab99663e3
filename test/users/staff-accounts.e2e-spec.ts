import { beforeEach, describe, expect, it } from 'vitest';
import { insertAccount, passwordLogin, signInAccount, TestAccount } from '../support/factories';
import { PRINCIPAL_TTL_MS } from '../../src/auth/principal-cache';
import { openLockHolder, waitForLockWaiters } from '../support/locks';
import { HttpResponse, startTestApp, startTestAppForTest, TestApp, useTestApp } from '../support/test-app';

describe('staff accounts and admin user management', () => {
  const t = useTestApp();

  const token = (body: unknown) => t.request('POST', '/api/auth/token', { body });

  describe('POST /api/auth/token', () => {
    it('should log a staff account in with a TokenPair whose user is staff', async () => {
      const account = await insertAccount(t, { role: 'staff', username: 'Alice' });
      const res = await token({ username: 'alice', password: account.password });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', isNewUser: false, user: { id: account.id, role: 'staff', username: 'Alice', openid: null } });
      expect(res.text).not.toContain(account.password);
      expect(res.text).not.toMatch(/scrypt|password/i);
      const me = await t.request('GET', '/api/users/me', { token: res.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.role).toBe('staff');
      const verify = await t.request('POST', '/api/auth/verify', { body: { token: res.body.accessToken } });
      expect(verify.body).toMatchObject({ valid: true, role: 'staff' });
    });

    it('should answer an unknown username and a wrong password with the same 401', async () => {
      const account = await insertAccount(t, { username: 'bob' });
      const wrong = await token({ username: 'bob', password: `${account.password}x` });
      const unknown = await token({ username: 'nobody', password: account.password });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Wrong username or password', code: 'INVALID_CREDENTIALS' });
      expect(unknown.body).toEqual(wrong.body);
    });

    it('should never log a mini program user in, even one with a username', async () => {
      const pair = await t.login('o_mini');
      await t.dataSource.query(`UPDATE users SET username = 'mini' WHERE id = $1`, [pair.user.id]);
      for (const password of ['', 'x', 'anything-at-all']) {
        const res = await token({ username: 'mini', password });
        expect(res.status).toBe(password === '' ? 400 : 401);
      }
    });

    it('should refuse a disabled account with 403 USER_DISABLED, but only given the right password', async () => {
      const account = await insertAccount(t, { username: 'carol', disabled: true });
      const right = await token({ username: 'carol', password: account.password });
      expect(right.status).toBe(403);
      expect(right.body.code).toBe('USER_DISABLED');
      const wrong = await token({ username: 'carol', password: 'not-the-password' });
      expect(wrong.status).toBe(401);
      expect(Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM sessions`))[0].n)).toBe(0);
    });

    it.each([
      ['no body', undefined],
      ['no password', { username: 'alice' }],
      ['no username', { password: 'secret-123' }],
      ['a numeric password', { username: 'alice', password: 12345678 }],
      ['an extra field', { username: 'alice', password: 'secret-123', role: 'admin' }],
      ['an overlong password', { username: 'alice', password: 'x'.repeat(257) }],
      ['a NUL character in the username', { username: 'ali\u0000ce', password: 'secret-123' }],
    ])('should answer 400 for %s before any work', async (_label, body) => {
      const res = await token(body);
      expect(res.status).toBe(400);
    });
  });

  describe('GET/POST/PATCH /api/users (admin)', () => {
    let admin: TestAccount;
    beforeEach(async () => {
      admin = await signInAccount(t, 'admin', 'root');
    });

    it('should create a staff account that can log in, and refuse a taken username whatever its case', async () => {
      const res = await t.request('POST', '/api/users', { token: admin.token, body: { username: 'Dave', password: 'dave-password', role: 'staff', nickname: '小戴' } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ username: 'Dave', role: 'staff', nickname: '小戴', disabled: false, openid: null });
      expect(res.text).not.toContain('dave-password');
      const [{ password_hash }] = await t.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [res.body.id]);
      expect(password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
      const login = await passwordLogin(t, 'dave', 'dave-password');
      expect(login.user.role).toBe('staff');

      const again = await t.request('POST', '/api/users', { token: admin.token, body: { username: 'DAVE', password: 'other-password', role: 'admin' } });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('USERNAME_TAKEN');
    });

    it('should create one account for concurrent creates of one username', async () => {
      const results = await Promise.all(
        [1, 2, 3, 4].map((n) => t.request('POST', '/api/users', { token: admin.token, body: { username: 'race', password: `password-${n}`, role: 'staff' } })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    });

    it.each([
      ['role user', { username: 'eve', password: 'eve-password', role: 'user' }],
      ['a short password', { username: 'eve', password: 'short', role: 'staff' }],
      ['a bad username', { username: 'e v', password: 'eve-password', role: 'staff' }],
      ['a missing role', { username: 'eve', password: 'eve-password' }],
      ['an extra field', { username: 'eve', password: 'eve-password', role: 'staff', disabled: true }],
      ['an openid', { username: 'eve', password: 'eve-password', role: 'staff', openid: 'o_x' }],
      ['a NUL character in the nickname', { username: 'eve', password: 'eve-password', role: 'staff', nickname: 'e\u0000ve' }],
    ])('should refuse to create an account with %s', async (_label, body) => {
      const res = await t.request('POST', '/api/users', { token: admin.token, body });
      expect(res.status).toBe(400);
      expect(Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM users`))[0].n)).toBe(1);
    });

    it('should list users with search over nickname, username and openid, a role filter and pages', async () => {
      await t.login('o_apple_fan', { userInfo: { nickName: '果粉100%' } });
      await t.login('o_zzz');
      await insertAccount(t, { username: 'apple_staff', role: 'staff' });
      await insertAccount(t, { username: 'banana', role: 'staff' });

      const all = await t.request('GET', '/api/users', { token: admin.token });
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ total: 5, page: 1, pageSize: 20 });
      expect(all.body.items).toHaveLength(5);
      expect(JSON.stringify(all.body)).not.toMatch(/password|session_?key/i);

      const byOpenid = await t.request('GET', '/api/users?search=APPLE', { token: admin.token });
      expect(byOpenid.body.items.map((u: any) => u.openid ?? u.username).sort()).toEqual(['apple_staff', 'o_apple_fan']);
      const byNickname = await t.request('GET', `/api/users?search=${encodeURIComponent('100%')}`, { token: admin.token });
      expect(byNickname.body.items.map((u: any) => u.openid)).toEqual(['o_apple_fan']);
      const literalUnderscore = await t.request('GET', '/api/users?search=e_s', { token: admin.token });
      expect(literalUnderscore.body.items.map((u: any) => u.username)).toEqual(['apple_staff']);

      const staffOnly = await t.request('GET', '/api/users?role=staff', { token: admin.token });
      expect(staffOnly.body.total).toBe(2);
      const page2 = await t.request('GET', '/api/users?page=2&pageSize=2', { token: admin.token });
      const page1 = await t.request('GET', '/api/users?page=1&pageSize=2', { token: admin.token });
      expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
      const ids = [...page1.body.items, ...page2.body.items].map((u: any) => u.id);
      expect(new Set(ids).size).toBe(4);

      for (const bad of ['role=root', 'page=0', 'pageSize=101', 'pageSize=x', 'sort=id']) {
        expect((await t.request('GET', `/api/users?${bad}`, { token: admin.token })).status, bad).toBe(400);
      }
    });

    it('should change a role, taking effect on the next request', async () => {
      const staff = await signInAccount(t, 'staff');
      const write = () => t.request('POST', '/api/goods', { token: staff.token, body: { name: '奶', price: 1 } });
      expect((await write()).status).toBe(201);
      const res = await t.request('PATCH', `/api/users/${staff.id}`, { token: admin.token, body: { role: 'user' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: staff.id, role: 'user', disabled: false });
      expect((await write()).status).toBe(403);
      // The promotion works the same way round.
      await t.request('PATCH', `/api/users/${staff.id}`, { token: admin.token, body: { role: 'staff' } });
      expect((await write()).status).toBe(201);
    });

    it('should disable a user: tokens refused at once here, within 5 s elsewhere, logins 403, sessions revoked', async () => {
      const staff = await signInAccount(t, 'staff');
      const mini = await t.login('o_mini_dis');
      const other = await startTestAppForTest({ fake: t.fake });
      const meOn = (app: TestApp, tok: string) => app.request('GET', '/api/users/me', { token: tok });
      expect((await meOn(other, staff.token)).status).toBe(200);
      for (const id of [staff.id, mini.user.id]) {
        const res = await t.request('PATCH', `/api/users/${id}`, { token: admin.token, body: { disabled: true } });
        expect(res.status).toBe(200);
        expect(res.body.disabled).toBe(true);
      }
      expect((await meOn(t, staff.token)).status).toBe(401);
      expect((await meOn(t, mini.accessToken)).status).toBe(401);
      // The other instance answers from its principal cache until it expires (4 s), then asks the database.
      other.clock.advance(PRINCIPAL_TTL_MS);
      expect((await meOn(other, staff.token)).status).toBe(401);

      const login = await t.request('POST', '/api/auth/token', { body: { username: staff.username, password: staff.password } });
      expect(login.status).toBe(403);
      expect(login.body.code).toBe('USER_DISABLED');
      const refresh = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: staff.refreshToken } });
      expect(refresh.status).toBe(401);
      const wechat = await t.request('POST', '/api/auth/wechat/login', { body: { code: t.fake.issueCode('o_mini_dis') } });
      expect(wechat.status).toBe(403);
      expect(wechat.body.code).toBe('USER_DISABLED');

      // Enabled again: a new login works.
      await t.request('PATCH', `/api/users/${staff.id}`, { token: admin.token, body: { disabled: false } });
      expect((await passwordLogin(t, staff.username, staff.password)).user.disabled).toBe(false);
    });

    it('should answer 400 for a malformed id or body, 404 for a missing user', async () => {
      expect((await t.request('PATCH', '/api/users/not-a-uuid', { token: admin.token, body: { role: 'staff' } })).status).toBe(400);
      const missing = await t.request('PATCH', '/api/users/3b241101-e2bb-4255-8caf-4136c566a962', { token: admin.token, body: { role: 'staff' } });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('USER_NOT_FOUND');
      const staff = await insertAccount(t);
      for (const bad of [{ role: 'root' }, { disabled: 'yes' }, { role: null }, { username: 'x' }, { password: 'new-password' }]) {
        expect((await t.request('PATCH', `/api/users/${staff.id}`, { token: admin.token, body: bad })).status, JSON.stringify(bad)).toBe(400);
      }
    });

    it('should still route PATCH /api/users/me to the profile, for an admin too', async () => {
      const res = await t.request('PATCH', '/api/users/me', { token: admin.token, body: { nickname: '管理员' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: admin.id, nickname: '管理员', role: 'admin' });
      expect((await t.request('PATCH', '/api/users/me', { token: admin.token, body: { role: 'user' } })).status).toBe(400);
    });
  });

  describe('the last enabled admin', () => {
    it('should not be demoted, disabled or erased; with a second admin it can', async () => {
      const root = await signInAccount(t, 'admin', 'root');
      // A disabled admin does not count.
      await insertAccount(t, { role: 'admin', username: 'old_admin', disabled: true });
      for (const body of [{ role: 'staff' }, { role: 'user' }, { disabled: true }, { role: 'admin', disabled: true }]) {
        const res = await t.request('PATCH', `/api/users/${root.id}`, { token: root.token, body });
        expect(res.status, JSON.stringify(body)).toBe(409);
        expect(res.body.code).toBe('LAST_ADMIN');
      }
      const erase = await t.request('DELETE', '/api/users/me', { token: root.token });
      expect(erase.status).toBe(409);
      expect(erase.body.code).toBe('LAST_ADMIN');
      const [{ role, disabled }] = await t.dataSource.query(`SELECT role, disabled FROM users WHERE id = $1`, [root.id]);
      expect({ role, disabled }).toEqual({ role: 'admin', disabled: false });

      const second = await signInAccount(t, 'admin', 'second');
      const demote = await t.request('PATCH', `/api/users/${root.id}`, { token: second.token, body: { role: 'staff' } });
      expect(demote.status).toBe(200);
      expect((await t.request('PATCH', `/api/users/${second.id}`, { token: second.token, body: { disabled: true } })).status).toBe(409);
      expect((await t.request('DELETE', '/api/users/me', { token: second.token })).status).toBe(409);
    });

    it.each([
      ['disable', { disabled: true }],
      ['demote', { role: 'staff' }],
    ])('should keep one enabled admin when two admins %s each other at the same moment', async (_what, body) => {
      const a = await signInAccount(t, 'admin', 'admin_a');
      const b = await signInAccount(t, 'admin', 'admin_b');
      const holder = await openLockHolder(t);
      let results: HttpResponse[];
      try {
        // Both admin rows locked by another transaction: each request gets past the roles
        // guard and into its own transaction, then waits. Released at once, they race for
        // real, and only the repository's serialisation keeps the second from also winning.
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM users WHERE id = ANY($1::uuid[]) FOR UPDATE`, [[a.id, b.id]]);
        const pending = Promise.all([
          t.request('PATCH', `/api/users/${b.id}`, { token: a.token, body }),
          t.request('PATCH', `/api/users/${a.id}`, { token: b.token, body }),
        ]);
        await waitForLockWaiters(holder, 2);
        await holder.query('COMMIT');
        results = await pending;
      } finally {
        await holder.end();
      }
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const refused = results.find((r) => r.status === 409)!;
      expect(refused.body.code).toBe('LAST_ADMIN');
      const enabledAdmins: { id: string }[] = await t.dataSource.query(`SELECT id FROM users WHERE role = 'admin' AND NOT disabled`);
      // The one left is the admin whose request won.
      const winnerActor = results[0].status === 200 ? a.id : b.id;
      expect(enabledAdmins).toEqual([{ id: winnerActor }]);
    });

    it('should let a user who is not the last admin erase their account', async () => {
      await insertAccount(t, { role: 'admin', username: 'root' });
      const other = await signInAccount(t, 'admin', 'other_admin');
      expect((await t.request('DELETE', '/api/users/me', { token: other.token })).status).toBe(204);
      const pair = await t.login('o_plain');
      expect((await t.request('DELETE', '/api/users/me', { token: pair.accessToken })).status).toBe(204);
    });
  });
});

describe('admin from ADMIN_USERNAME and ADMIN_PASSWORD', () => {
  it('should be created at start when missing and never overwritten', async () => {
    const first = await startTestApp({ env: { ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'first-password' } });
    try {
      await first.reset();
      await first.close();
      const app = await startTestApp({ env: { ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'first-password' } });
      try {
        const pair = await passwordLogin(app, 'boss', 'first-password');
        expect(pair.user).toMatchObject({ username: 'boss', role: 'admin', disabled: false });
        await app.dataSource.query(`UPDATE users SET role = 'staff' WHERE username = 'boss'`);
      } finally {
        await app.close();
      }
      const restarted = await startTestApp({ env: { ADMIN_USERNAME: 'BOSS', ADMIN_PASSWORD: 'second-password' } });
      try {
        const rows = await restarted.dataSource.query(`SELECT role FROM users WHERE lower(username) = 'boss'`);
        expect(rows).toEqual([{ role: 'staff' }]);
        expect((await restarted.request('POST', '/api/auth/token', { body: { username: 'boss', password: 'second-password' } })).status).toBe(401);
        expect((await passwordLogin(restarted, 'boss', 'first-password')).user.role).toBe('staff');
        await restarted.reset();
      } finally {
        await restarted.close();
      }
    } catch (err) {
      await first.close().catch(() => undefined);
      throw err;
    }
  });
});
