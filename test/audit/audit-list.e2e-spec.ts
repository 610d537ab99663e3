import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditContext, NewAuditEntry } from '../../src/audit/audit-entry';
import { AuditRepository } from '../../src/audit/audit.repository';
import { signInAccount, TestAccount } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const GOODS_A = '0a0a0a0a-0000-4000-8000-00000000000a';
const GOODS_B = '0b0b0b0b-0000-4000-8000-00000000000b';

describe('GET /api/audit', () => {
  let t: TestApp;
  let audit: AuditRepository;
  let admin: TestAccount;
  let staff: TestAccount;

  beforeAll(async () => {
    t = await startTestApp();
    audit = t.app.get(AuditRepository);
  });
  beforeEach(async () => {
    await t.reset();
    admin = await signInAccount(t, 'admin');
    staff = await signInAccount(t, 'staff');
  });
  afterAll(async () => t.close());

  /** Records entries through the repository, all in one transaction (so they share one `at`). */
  const record = (context: AuditContext, ...entries: NewAuditEntry[]) =>
    t.dataSource.transaction(async (tx) => {
      for (const entry of entries) await audit.record(tx, context, entry);
    });
  const goodsUpdate = (targetId: string, price: [number, number]): NewAuditEntry => ({
    action: 'goods.update',
    targetType: 'goods',
    targetId,
    changes: { price },
  });
  const list = (query = '', token = admin.token) => t.request('GET', `/api/audit${query}`, { token });

  it('should list the rows newest first, in the documented shape', async () => {
    await record({ actorId: staff.id, requestId: 'req-1' }, { action: 'goods.create', targetType: 'goods', targetId: GOODS_A, changes: { name: [null, '苹果'], price: [null, 39.9] } });
    await record({ actorId: admin.id, requestId: 'req-2' }, { action: 'user.disable', targetType: 'user', targetId: staff.id, changes: { disabled: [false, true] } });
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
          actorId: admin.id,
          action: 'user.disable',
          targetType: 'user',
          targetId: staff.id,
          changes: { disabled: [false, true] },
          requestId: 'req-2',
        },
        {
          id: expect.any(String),
          at: expect.any(String),
          actorId: staff.id,
          action: 'goods.create',
          targetType: 'goods',
          targetId: GOODS_A,
          changes: { name: [null, '苹果'], price: [null, 39.9] },
          requestId: 'req-1',
        },
      ],
      nextCursor: null,
    });
    expect(Date.parse(res.body.items[0].at)).toBeGreaterThanOrEqual(Date.parse(res.body.items[1].at));
  });

  it('should filter by actor, action, target and time', async () => {
    await record({ actorId: staff.id, requestId: 's1' }, goodsUpdate(GOODS_A, [1, 2]));
    await record({ actorId: admin.id, requestId: 'a1' }, goodsUpdate(GOODS_B, [3, 4]), { action: 'goods.delete', targetType: 'goods', targetId: GOODS_A, changes: { name: ['x', null] } });
    await t.dataSource.query(`UPDATE audit_log SET at = '2026-01-10T00:00:00Z' WHERE request_id = 's1'`);
    const ids = async (query: string) => {
      const res = await list(query);
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((i: any) => `${i.requestId}:${i.action}:${i.targetId === GOODS_A ? 'A' : 'B'}`).sort();
    };
    expect(await ids(`?actor=${staff.id}`)).toEqual(['s1:goods.update:A']);
    expect(await ids('?action=goods.delete')).toEqual(['a1:goods.delete:A']);
    expect(await ids(`?targetType=goods&targetId=${GOODS_A}`)).toEqual(['a1:goods.delete:A', 's1:goods.update:A']);
    expect(await ids(`?targetType=user`)).toEqual([]);
    expect(await ids('?from=2026-01-09T00:00:00Z&to=2026-01-11T00:00:00%2B00:00')).toEqual(['s1:goods.update:A']);
    expect(await ids('?from=2026-01-10T00:00:00.001Z')).toEqual(['a1:goods.delete:A', 'a1:goods.update:B']);
    expect(await ids('?to=2026-01-10T00:00:00Z')).toEqual([]);
  });

  it('should walk every row exactly once with the cursor, ties on the same instant included', async () => {
    // Three rows share one transaction, hence one `at`: the order falls back to the id.
    await record({ actorId: staff.id, requestId: 'r1' }, goodsUpdate(GOODS_A, [1, 2]));
    await record({ actorId: staff.id, requestId: 'r2' }, goodsUpdate(GOODS_A, [2, 3]), goodsUpdate(GOODS_B, [5, 6]), goodsUpdate(GOODS_B, [6, 7]));
    await record({ actorId: staff.id, requestId: 'r3' }, goodsUpdate(GOODS_A, [3, 4]));
    const all = (await list('?pageSize=100')).body.items.map((i: any) => i.id);
    expect(all).toHaveLength(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?actor=${staff.id}&pageSize=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i: any) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
    const rows: { id: string }[] = await t.dataSource.query(`SELECT id FROM audit_log ORDER BY at DESC, id DESC`);
    expect(seen).toEqual(rows.map((r) => r.id));
  });

  it('should refuse a cursor passed with other filters, and a made-up one', async () => {
    await record({ actorId: staff.id, requestId: 'r' }, goodsUpdate(GOODS_A, [1, 2]), goodsUpdate(GOODS_A, [2, 3]));
    const first = await list('?pageSize=1&action=goods.update');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const other = await list(`?pageSize=1&action=goods.delete&cursor=${first.body.nextCursor}`);
    expect(other.status).toBe(400);
    expect(other.body.code).toBe('CURSOR_INVALID');
    const madeUp = await list('?cursor=eyJ2IjoxfQ');
    expect(madeUp.status).toBe(400);
    expect(madeUp.body.code).toBe('CURSOR_INVALID');
  });

  it.each([
    ['?actor=nobody', 'actor must be a user id'],
    ['?targetId=12', 'targetId must be an id'],
    ['?action=goods.steal', 'action must be one of'],
    ['?targetType=order', 'targetType must be one of'],
    ['?from=2026-01-01', 'from must be an ISO 8601 timestamp with a time zone'],
    ['?to=2026-02-30T00:00:00Z', 'to must be a real date and time'],
    ['?pageSize=0', 'pageSize must not be less than 1'],
    ['?pageSize=101', 'pageSize must not be greater than 100'],
    ['?page=2', 'property page should not exist'],
  ])('should answer 400 to %s', async (query, message) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(([] as string[]).concat(res.body.message).join(' | ')).toContain(message);
  });

  it('should answer 400 to a time range that ends before it starts', async () => {
    const res = await list('?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', message: 'from must be earlier than to' });
  });

  it('should be for admins only', async () => {
    await record({ actorId: staff.id, requestId: 'r' }, goodsUpdate(GOODS_A, [1, 2]));
    const asStaff = await list('', staff.token);
    expect(asStaff.status).toBe(403);
    expect(asStaff.body.code).toBe('ROLE_FORBIDDEN');
    const user = await t.login('o_audit_plain_user');
    expect((await list('', user.accessToken)).status).toBe(403);
    expect((await t.request('GET', '/api/audit')).status).toBe(401);
  });

  it('should record only inside a transaction, and lose the row when the transaction rolls back', async () => {
    await expect(audit.record(t.dataSource.manager, { actorId: staff.id, requestId: null }, goodsUpdate(GOODS_A, [1, 2]))).rejects.toThrow(
      /inside the transaction/,
    );
    await expect(
      t.dataSource.transaction(async (tx) => {
        await audit.record(tx, { actorId: staff.id, requestId: null }, goodsUpdate(GOODS_A, [1, 2]));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await list()).body.items).toEqual([]);
  });
});
