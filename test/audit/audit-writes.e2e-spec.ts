import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditRepository } from '../../src/audit/audit.repository';
import { signInAccount, TestAccount } from '../support/factories';
import { startTestAppForTest, useTestApp } from '../support/test-app';

interface AuditRow {
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  changes: Record<string, [unknown, unknown]>;
  request_id: string | null;
}

/**
 * The audit rows the server writes for each staff action: one per action, in the transaction
 * of the change (both commit or neither does), none for an action refused or replayed.
 */
describe('audit rows written by staff actions', () => {
  const t = useTestApp();
  let staff: TestAccount;
  let admin: TestAccount;

  beforeEach(async () => {
    staff = await signInAccount(t, 'staff');
    admin = await signInAccount(t, 'admin');
  });
  afterEach(() => vi.restoreAllMocks());

  const rows = async (): Promise<AuditRow[]> =>
    t.dataSource.query(`SELECT actor_id, action, target_type, target_id, changes, request_id FROM audit_log ORDER BY at, action`);
  const goodsRow = async (id: string) => (await t.dataSource.query(`SELECT name, price::text AS price, version FROM goods WHERE id = $1`, [id]))[0];
  const createGoods = (body: unknown, headers?: Record<string, string>, token = staff.token) => t.request('POST', '/api/goods', { token, body, headers });

  describe('goods', () => {
    it('should record a create with every field it set, by its author, with the request id the answer carries', async () => {
      const res = await createGoods({ name: '苹果', price: 39.9, stock: 3, imageUrl: 'https://img.example.com/a.jpg' }, { 'x-request-id': 'req-create-1' });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-request-id')).toBe('req-create-1');
      expect(await rows()).toEqual([
        {
          actor_id: staff.id,
          action: 'goods.create',
          target_type: 'goods',
          target_id: res.body.id,
          changes: { name: [null, '苹果'], price: [null, 39.9], stock: [null, 3], onSale: [null, true], imageUrl: [null, 'https://img.example.com/a.jpg'], images: [null, []] },
          request_id: 'req-create-1',
        },
      ]);
    });

    it('should record an update with only the fields that changed, before and after', async () => {
      const { body: goods } = await createGoods({ name: '苹果', price: 10, images: ['https://img.example.com/a.jpg'] });
      const res = await t.request('PATCH', `/api/goods/${goods.id}`, {
        token: admin.token,
        body: { price: 12.5, name: '苹果', category: '水果', images: ['https://img.example.com/b.jpg'], version: 1 },
      });
      expect(res.status).toBe(200);
      const update = (await rows()).filter((r) => r.action === 'goods.update');
      expect(update).toEqual([
        {
          actor_id: admin.id,
          action: 'goods.update',
          target_type: 'goods',
          target_id: goods.id,
          changes: { price: [10, 12.5], category: [null, '水果'], images: [['https://img.example.com/a.jpg'], ['https://img.example.com/b.jpg']] },
          request_id: res.headers.get('x-request-id'),
        },
      ]);
    });

    it('should record a delete with the product as it was', async () => {
      const { body: goods } = await createGoods({ name: '苹果', price: 10, description: '脆' });
      const res = await t.request('DELETE', `/api/goods/${goods.id}`, { token: admin.token });
      expect(res.status).toBe(204);
      const [deleted] = (await rows()).filter((r) => r.action === 'goods.delete');
      expect(deleted).toMatchObject({
        actor_id: admin.id,
        target_id: goods.id,
        changes: { name: ['苹果', null], price: [10, null], stock: [0, null], onSale: [true, null], description: ['脆', null], images: [[], null] },
      });
    });

    it('should record nothing for a refused or idle write: 400, 403, 404, 409, an empty PATCH, a replayed key', async () => {
      const { body: goods } = await createGoods({ name: '苹果', price: 10 }, { 'idempotency-key': 'k1' });
      const before = await rows();
      expect(before).toHaveLength(1);
      const user = await t.login('o_audit_user');
      const missing = '3b241101-e2bb-4255-8caf-4136c566a962';
      const attempts = [
        await createGoods({ name: '苹果', price: 10 }, { 'idempotency-key': 'k1' }),
        await createGoods({ name: '梨', price: 10 }, { 'idempotency-key': 'k1' }),
        await createGoods({ name: '', price: 10 }),
        await createGoods({ name: '梨', price: 1 }, undefined, user.accessToken),
        await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { price: 11, version: 2 } }),
        await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { price: -1 } }),
        await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: {} }),
        await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { version: 1 } }),
        await t.request('PATCH', `/api/goods/${goods.id}`, { token: user.accessToken, body: { price: 11 } }),
        await t.request('PATCH', `/api/goods/${missing}`, { token: staff.token, body: { price: 11 } }),
        await t.request('DELETE', `/api/goods/${goods.id}`, { token: user.accessToken }),
        await t.request('DELETE', `/api/goods/${missing}`, { token: staff.token }),
      ];
      expect(attempts.map((r) => r.status)).toEqual([201, 422, 400, 403, 409, 400, 200, 200, 403, 404, 403, 404]);
      expect(await rows()).toEqual(before);
      expect(await goodsRow(goods.id)).toEqual({ name: '苹果', price: '10.00', version: 1 });
    });

    it('should record a PATCH of the values already stored as a change (the version grows) with no field changed', async () => {
      const { body: goods } = await createGoods({ name: '苹果', price: 10 });
      const res = await t.request('PATCH', `/api/goods/${goods.id}`, { token: admin.token, body: { name: '苹果', price: 10.0, version: 1 } });
      expect(res.body).toMatchObject({ version: 2, updatedBy: admin.id });
      const update = (await rows()).filter((r) => r.action === 'goods.update');
      expect(update).toEqual([expect.objectContaining({ actor_id: admin.id, target_id: goods.id, changes: {} })]);
    });

    it('should roll a goods change back when its audit row cannot be written, and the audit row with a change that fails', async () => {
      const { body: goods } = await createGoods({ name: '苹果', price: 10 });
      const audit = t.app.get(AuditRepository);
      vi.spyOn(audit, 'record').mockRejectedValue(new Error('audit_log unavailable'));
      const created = await createGoods({ name: '梨', price: 1 });
      const keyed = await createGoods({ name: '桃', price: 1 }, { 'idempotency-key': 'k-rollback' });
      const patched = await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { price: 12 } });
      const deleted = await t.request('DELETE', `/api/goods/${goods.id}`, { token: staff.token });
      expect([created.status, keyed.status, patched.status, deleted.status]).toEqual([500, 500, 500, 500]);
      const names = (await t.dataSource.query(`SELECT name FROM goods`)).map((r: { name: string }) => r.name);
      expect(names).toEqual(['苹果']);
      expect(await goodsRow(goods.id)).toEqual({ name: '苹果', price: '10.00', version: 1 });
      expect(await t.dataSource.query(`SELECT * FROM idempotency_keys`)).toEqual([]);
      vi.restoreAllMocks();

      // The other way round: the audit row is written, then the change fails (the database refuses
      // it: a gallery over the cap slipped past the API), and neither is kept.
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log`);
      vi.spyOn(audit, 'record').mockImplementation(async (tx, context, entry) => {
        await AuditRepository.prototype.record.call(audit, tx, context, entry);
        await tx.query(`UPDATE goods SET images = array_fill('https://img.example.com/x.jpg'::varchar, ARRAY[10]) WHERE id = $1`, [entry.targetId]);
      });
      expect((await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { price: 12 } })).status).toBe(500);
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log`))[0].n).toBe(n);
      expect(await goodsRow(goods.id)).toEqual({ name: '苹果', price: '10.00', version: 1 });
    });
  });

  describe('accounts', () => {
    const createAccount = (body: unknown, token = admin.token) => t.request('POST', '/api/users', { token, body });
    const changeAccount = (id: string, body: unknown, token = admin.token) => t.request('PATCH', `/api/users/${id}`, { token, body });
    const roleOf = async (id: string) => (await t.dataSource.query(`SELECT role, disabled FROM users WHERE id = $1`, [id]))[0];

    it('should record an account created by an admin, without its password', async () => {
      const res = await createAccount({ username: 'alice', password: 'alice-password', role: 'staff', nickname: '爱丽丝' });
      expect(res.status).toBe(201);
      const all = await rows();
      expect(all).toEqual([
        {
          actor_id: admin.id,
          action: 'user.create',
          target_type: 'user',
          target_id: res.body.id,
          changes: { username: [null, 'alice'], role: [null, 'staff'], nickname: [null, '爱丽丝'] },
          request_id: res.headers.get('x-request-id'),
        },
      ]);
      expect(JSON.stringify(all)).not.toMatch(/alice-password|scrypt/);
    });

    it('should record a role change, a disable and an enable, one row each; both at once are two rows', async () => {
      const target = await signInAccount(t, 'staff');
      expect((await changeAccount(target.id, { role: 'admin' })).status).toBe(200);
      expect((await changeAccount(target.id, { disabled: true })).status).toBe(200);
      expect((await changeAccount(target.id, { disabled: false })).status).toBe(200);
      expect((await changeAccount(target.id, { role: 'user', disabled: true })).status).toBe(200);
      const changes = (await rows()).map((r) => [r.action, r.target_id, r.actor_id, r.changes]);
      expect(changes.slice(0, 3)).toEqual([
        ['user.role', target.id, admin.id, { role: ['staff', 'admin'] }],
        ['user.disable', target.id, admin.id, { disabled: [false, true] }],
        ['user.enable', target.id, admin.id, { disabled: [true, false] }],
      ]);
      // One PATCH, two rows, in one transaction (the same `at`).
      expect(changes.slice(3).sort()).toEqual(
        [
          ['user.disable', target.id, admin.id, { disabled: [false, true] }],
          ['user.role', target.id, admin.id, { role: ['admin', 'user'] }],
        ].sort(),
      );
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE at = (SELECT max(at) FROM audit_log)`);
      expect(n).toBe(2);
    });

    it('should record nothing for LAST_ADMIN, 403, 404, 409, 400, or a change to what already is', async () => {
      const target = await signInAccount(t, 'staff');
      await createAccount({ username: 'taken', password: 'taken-password', role: 'staff' });
      const before = await rows();
      const missing = '3b241101-e2bb-4255-8caf-4136c566a962';
      const attempts = [
        await changeAccount(admin.id, { disabled: true }),
        await changeAccount(admin.id, { role: 'staff' }),
        await changeAccount(target.id, { disabled: true }, staff.token),
        await createAccount({ username: 'bob', password: 'bob-password', role: 'staff' }, staff.token),
        await changeAccount(missing, { disabled: true }),
        await createAccount({ username: 'TAKEN', password: 'other-password', role: 'admin' }),
        await createAccount({ username: 'x', password: 'short', role: 'staff' }),
        await changeAccount(target.id, { role: 'boss' }),
        await changeAccount(target.id, { role: 'staff', disabled: false }),
        await changeAccount(admin.id, { role: 'admin' }),
      ];
      expect(attempts.map((r) => [r.status, r.body?.code])).toEqual([
        [409, 'LAST_ADMIN'],
        [409, 'LAST_ADMIN'],
        [403, 'ROLE_FORBIDDEN'],
        [403, 'ROLE_FORBIDDEN'],
        [404, 'USER_NOT_FOUND'],
        [409, 'USERNAME_TAKEN'],
        [400, 'VALIDATION_FAILED'],
        [400, 'VALIDATION_FAILED'],
        [200, undefined],
        [200, undefined],
      ]);
      expect(await rows()).toEqual(before);
      expect(await roleOf(admin.id)).toEqual({ role: 'admin', disabled: false });
    });

    it('should roll an account change back when its audit row cannot be written', async () => {
      const target = await signInAccount(t, 'staff');
      vi.spyOn(t.app.get(AuditRepository), 'record').mockRejectedValue(new Error('audit_log unavailable'));
      expect((await changeAccount(target.id, { role: 'admin', disabled: true })).status).toBe(500);
      expect((await createAccount({ username: 'carol', password: 'carol-password', role: 'staff' })).status).toBe(500);
      expect(await roleOf(target.id)).toEqual({ role: 'staff', disabled: false });
      expect(await t.dataSource.query(`SELECT id FROM users WHERE username = 'carol'`)).toEqual([]);
      // The disabled account's sessions were not revoked either: its token still works.
      expect((await t.request('GET', '/api/users/me', { token: target.token })).status).toBe(200);
    });
  });

  it('should record the admin made at start-up from ADMIN_USERNAME as made by the system', async () => {
    const other = await startTestAppForTest({ env: { ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'boss-password' } });
    const [boss] = await other.dataSource.query(`SELECT id FROM users WHERE username = 'boss'`);
    const written = (await rows()).filter((r) => r.target_id === boss.id);
    expect(written).toEqual([
      { actor_id: null, action: 'user.create', target_type: 'user', target_id: boss.id, changes: { username: [null, 'boss'], role: [null, 'admin'] }, request_id: null },
    ]);
  });
});
