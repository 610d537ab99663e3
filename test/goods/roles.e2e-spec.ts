import { beforeEach, describe, expect, it } from 'vitest';
import { insertGoods, signInAccount } from '../support/factories';
import { startTestAppForTest, useTestApp } from '../support/test-app';

type Caller = 'anonymous' | 'user' | 'staff' | 'admin';

/**
 * Who may call what: any signed-in user reads goods; staff and admins write them; only
 * admins manage users. Anonymous callers get 401, signed-in callers without the role 403.
 */
describe('role matrix', () => {
  const t = useTestApp();
  let tokens: Record<Caller, string | undefined>;
  let goodsId: string;
  let targetUserId: string;

  beforeEach(async () => {
    const user = await t.login('o_plain_user');
    tokens = {
      anonymous: undefined,
      user: user.accessToken,
      staff: (await signInAccount(t, 'staff')).token,
      admin: (await signInAccount(t, 'admin')).token,
    };
    [goodsId] = await insertGoods(t, [{ name: '牛奶' }]);
    targetUserId = user.user.id;
  });

  let seq = 0;
  const routes: { name: string; call: () => [string, string, unknown?]; allowed: Caller[]; ok: number }[] = [
    { name: 'GET /api/goods', call: () => ['GET', '/api/goods'], allowed: ['user', 'staff', 'admin'], ok: 200 },
    { name: 'GET /api/goods/:id', call: () => ['GET', `/api/goods/${goodsId}`], allowed: ['user', 'staff', 'admin'], ok: 200 },
    { name: 'POST /api/goods', call: () => ['POST', '/api/goods', { name: '酸奶', price: 5 }], allowed: ['staff', 'admin'], ok: 201 },
    { name: 'PATCH /api/goods/:id', call: () => ['PATCH', `/api/goods/${goodsId}`, { stock: 3 }], allowed: ['staff', 'admin'], ok: 200 },
    { name: 'DELETE /api/goods/:id', call: () => ['DELETE', `/api/goods/${goodsId}`], allowed: ['staff', 'admin'], ok: 204 },
    { name: 'GET /api/users', call: () => ['GET', '/api/users'], allowed: ['admin'], ok: 200 },
    {
      name: 'POST /api/users',
      call: () => ['POST', '/api/users', { username: `new_staff_${++seq}`, password: 'password-123', role: 'staff' }],
      allowed: ['admin'],
      ok: 201,
    },
    { name: 'PATCH /api/users/:id', call: () => ['PATCH', `/api/users/${targetUserId}`, { disabled: false }], allowed: ['admin'], ok: 200 },
  ];

  for (const route of routes) {
    for (const caller of ['anonymous', 'user', 'staff', 'admin'] as Caller[]) {
      const expected = route.allowed.includes(caller) ? route.ok : caller === 'anonymous' ? 401 : 403;
      it(`${route.name} as ${caller} → ${expected}`, async () => {
        const [method, path, body] = route.call();
        const res = await t.request(method, path, { token: tokens[caller], body });
        expect(res.status, res.text).toBe(expected);
        if (expected === 403) expect(res.body.code).toBe('ROLE_FORBIDDEN');
      });
    }
  }

  it('should refuse a forbidden write before touching anything', async () => {
    const res = await t.request('PATCH', `/api/goods/${goodsId}`, { token: tokens.user, body: { stock: 99 } });
    expect(res.status).toBe(403);
    const [{ stock, version }] = await t.dataSource.query('SELECT stock, version FROM goods WHERE id = $1', [goodsId]);
    expect({ stock, version }).toEqual({ stock: 0, version: 1 });
  });

  it('should take the role from the database, not from the token: a demoted staff token cannot write', async () => {
    const staff = await signInAccount(t, 'staff');
    await t.dataSource.query(`UPDATE users SET role = 'user' WHERE id = $1`, [staff.id]);
    // Another instance (or this one after its cache window) reads the role afresh.
    const other = await startTestAppForTest({ fake: t.fake });
    const res = await other.request('POST', '/api/goods', { token: staff.token, body: { name: '奶', price: 1 } });
    expect(res.status).toBe(403);
  });
});
