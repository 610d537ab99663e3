import { beforeEach, describe, expect, it } from 'vitest';
import { signInAccount, TestAccount } from '../support/factories';
import { openLockHolder, waitForLockWaiters } from '../support/locks';
import { useTestApp } from '../support/test-app';

const VALID = {
  name: '红富士苹果 5kg',
  price: 39.9,
  stock: 12,
  category: '水果',
  onSale: true,
  description: '脆甜',
  imageUrl: 'https://img.example.com/a.jpg',
  images: ['https://img.example.com/b.jpg', 'https://img.example.com/c.jpg'],
};

describe('goods CRUD', () => {
  const t = useTestApp();
  let staff: TestAccount;

  beforeEach(async () => {
    staff = await signInAccount(t, 'staff');
  });

  const create = (body: unknown, headers?: Record<string, string>, token = staff.token) => t.request('POST', '/api/goods', { token, body, headers });
  const count = async () => Number((await t.dataSource.query('SELECT count(*)::int AS n FROM goods'))[0].n);

  /**
   * Runs `requests` while a connection of the test's own holds `lock` in an open transaction,
   * waits until all of them are blocked on locks (pg_locks), then lets go. Whatever
   * the app reads before its first write it has read by then, so a check-then-write that is
   * not atomic in the database is caught every time, not only when requests happen to overlap.
   */
  async function behindLock<T>(lock: { sql: string; params?: unknown[] }, requests: (() => Promise<T>)[]): Promise<T[]> {
    const holder = await openLockHolder(t);
    try {
      await holder.query('BEGIN');
      await holder.query(lock.sql, lock.params);
    } catch (err) {
      await holder.end();
      throw err;
    }
    const pending = Promise.all(requests.map((request) => request()));
    // Handled here too, so a failed wait below does not also leave a stray rejection behind.
    pending.catch(() => undefined);
    try {
      await waitForLockWaiters(holder, requests.length);
      await holder.query('COMMIT');
    } finally {
      // Closing the connection ends the transaction (and its lock) if the wait failed.
      await holder.end();
    }
    return pending;
  }

  it('should create, read, update and delete a product', async () => {
    const created = await create(VALID);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...VALID,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      createdBy: staff.id,
      updatedBy: staff.id,
      version: 1,
    });
    const id = created.body.id;

    const read = await t.request('GET', `/api/goods/${id}`, { token: staff.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const admin = await signInAccount(t, 'admin');
    const patched = await t.request('PATCH', `/api/goods/${id}`, { token: admin.token, body: { price: 35, stock: 0, onSale: false, version: 1 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ price: 35, stock: 0, onSale: false, version: 2, createdBy: staff.id, updatedBy: admin.id, name: VALID.name });

    const cleared = await t.request('PATCH', `/api/goods/${id}`, { token: staff.token, body: { category: null, description: null, imageUrl: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ category: null, description: null, imageUrl: null, version: 3 });

    const removed = await t.request('DELETE', `/api/goods/${id}`, { token: staff.token });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await t.request('GET', `/api/goods/${id}`, { token: staff.token })).status).toBe(404);
    expect((await t.request('DELETE', `/api/goods/${id}`, { token: staff.token })).status).toBe(404);
  });

  it('should apply the defaults: stock 0, on sale, empty optional fields', async () => {
    const res = await create({ name: '奶', price: 0 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: '奶', price: 0, stock: 0, onSale: true, category: null, description: null, imageUrl: null, images: [], version: 1 });
  });

  it('should round-trip prices exactly', async () => {
    for (const price of [0.1, 0.2, 99999999.99, 0.01, 12.5, 1234567.89]) {
      const res = await create({ name: `p${price}`, price });
      expect(res.status).toBe(201);
      expect(res.text).toContain(`"price":${price},`);
      const [{ stored }] = await t.dataSource.query('SELECT price::text AS stored FROM goods WHERE id = $1', [res.body.id]);
      expect(stored).toBe(Number(price).toFixed(2));
      const read = await t.request('GET', `/api/goods/${res.body.id}`, { token: staff.token });
      expect(read.body.price).toBe(price);
    }
    // 0.1 + 0.2 in float is 0.30000000000000004; summed in numeric it is exact.
    const [{ sum }] = await t.dataSource.query(`SELECT sum(price)::text AS sum FROM goods WHERE name IN ('p0.1', 'p0.2')`);
    expect(sum).toBe('0.30');
  });

  it('should judge a price by the double it parses to, as the README says', async () => {
    // 1.0000000000000001 and 1.000 are the double 1; 1.005 is not a 2-decimal double.
    for (const literal of ['1.0000000000000001', '1.000']) {
      const res = await t.request('POST', '/api/goods', { token: staff.token, rawBody: `{"name":"奶","price":${literal}}` });
      expect(res.status, literal).toBe(201);
      expect(res.text).toContain('"price":1,');
    }
    const refused = await t.request('POST', '/api/goods', { token: staff.token, rawBody: '{"name":"奶","price":1.005}' });
    expect(refused.status).toBe(400);
  });

  it.each([
    ['more than 2 decimals', { price: 1.005 }],
    ['a tiny fraction', { price: 0.001 }],
    ['a negative price', { price: -1 }],
    ['a price over the maximum', { price: 100000000 }],
    ['a price as a string', { price: '9.90' }],
    ['a missing price', { price: undefined }],
    ['a missing name', { name: undefined }],
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a name of 121 characters', { name: '苹'.repeat(121) }],
    ['a name with NUL', { name: 'a\u0000b' }],
    ['a fractional stock', { stock: 1.5 }],
    ['a negative stock', { stock: -1 }],
    ['a null stock', { stock: null }],
    ['a category of 51 characters', { category: 'x'.repeat(51) }],
    ['an onSale that is not a boolean', { onSale: 'yes' }],
    ['a description of 5001 characters', { description: 'x'.repeat(5001) }],
    ['an imageUrl that is not http(s)', { imageUrl: 'javascript:alert(1)' }],
    ['an imageUrl that is no URL', { imageUrl: 'not a url' }],
    ['10 images', { images: Array.from({ length: 10 }, (_, i) => `https://img.example.com/${i}.jpg`) }],
    ['images null', { images: null }],
    ['images that is not an array', { images: 'https://img.example.com/a.jpg' }],
    ['an image that is not http(s)', { images: ['https://img.example.com/a.jpg', 'javascript:alert(1)'] }],
    ['an image that is no URL', { images: ['not a url'] }],
    ['an image that is not a string', { images: [42] }],
    ['an image URL of 501 characters', { images: [`https://img.example.com/${'a'.repeat(477)}`] }],
    ['mass assignment of id', { id: '3b241101-e2bb-4255-8caf-4136c566a962' }],
    ['mass assignment of version', { version: 7 }],
    ['mass assignment of createdBy', { createdBy: '3b241101-e2bb-4255-8caf-4136c566a962' }],
    ['mass assignment of createdAt', { createdAt: '2020-01-01T00:00:00Z' }],
  ])('should refuse %s with 400 and create nothing', async (_label, change) => {
    const res = await create({ ...VALID, ...change });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await count()).toBe(0);
  });

  it('should keep the gallery in order: 9 images at most, replaced whole by PATCH, [] empties it', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => `https://img.example.com/${i}.jpg`);
    const created = await create({ name: '图', price: 1, images: nine });
    expect(created.status).toBe(201);
    expect(created.body.images).toEqual(nine);
    const longest = `https://img.example.com/${'a'.repeat(476)}`;
    expect(longest).toHaveLength(500);
    const patched = await t.request('PATCH', `/api/goods/${created.body.id}`, { token: staff.token, body: { images: [nine[8], longest, nine[8]], version: 1 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ images: [nine[8], longest, nine[8]], version: 2 });
    const listed = await t.request('GET', '/api/goods', { token: staff.token });
    expect(listed.body.items[0].images).toEqual([nine[8], longest, nine[8]]);
    const emptied = await t.request('PATCH', `/api/goods/${created.body.id}`, { token: staff.token, body: { images: [] } });
    expect(emptied.body).toMatchObject({ images: [], version: 3 });
    // The database keeps the cap too.
    await expect(t.dataSource.query(`UPDATE goods SET images = $1::varchar[]`, [[...nine, nine[0]]])).rejects.toMatchObject({ driverError: { code: '23514' } });
  });

  it('should accept the longest name and description and a 120-character Chinese name', async () => {
    const res = await create({ name: '苹'.repeat(120), price: 1, description: '描'.repeat(5000) });
    expect(res.status).toBe(201);
    expect(res.body.name).toHaveLength(120);
  });

  it('should refuse bad PATCH bodies and change nothing', async () => {
    const { body: goods } = await create(VALID);
    for (const bad of [{ price: 1.005 }, { name: null }, { price: null }, { onSale: null }, { id: goods.id }, { createdBy: staff.id }, { version: 0 }, { version: 'one' }, { updatedAt: 'x' }]) {
      const res = await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const read = await t.request('GET', `/api/goods/${goods.id}`, { token: staff.token });
    expect(read.body).toEqual(goods);
  });

  it('should answer 400 for a malformed id and 404 for a missing one', async () => {
    for (const [method, body] of [['GET', undefined], ['PATCH', { stock: 1 }], ['DELETE', undefined]] as const) {
      const bad = await t.request(method, '/api/goods/not-a-uuid', { token: staff.token, body });
      expect(bad.status).toBe(400);
      const missing = await t.request(method, '/api/goods/3b241101-e2bb-4255-8caf-4136c566a962', { token: staff.token, body });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('GOODS_NOT_FOUND');
    }
  });

  describe('optimistic locking', () => {
    it('should refuse a stale version with 409 VERSION_CONFLICT and change nothing', async () => {
      const { body: goods } = await create(VALID);
      expect((await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { stock: 5, version: 1 } })).status).toBe(200);
      const stale = await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { stock: 99, version: 1 } });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('VERSION_CONFLICT');
      const read = await t.request('GET', `/api/goods/${goods.id}`, { token: staff.token });
      expect(read.body).toMatchObject({ stock: 5, version: 2 });
      // A stale version is a conflict even when the patch is empty.
      expect((await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { version: 1 } })).status).toBe(409);
      const same = await t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { version: 2 } });
      expect(same.status).toBe(200);
      expect(same.body.version).toBe(2);
    });

    it('should let exactly one of 5 concurrent PATCHes on one version win, even when all of them read it first', async () => {
      const { body: goods } = await create(VALID);
      // The row is locked as by another writer mid-transaction: every PATCH gets as far as its
      // write and queues there (a read-then-update would have read version 1 five times).
      const results = await behindLock(
        { sql: 'SELECT 1 FROM goods WHERE id = $1 FOR UPDATE', params: [goods.id] },
        [1, 2, 3, 4, 5].map((n) => () => t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { stock: n * 100, version: 1 } })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body).toMatchObject({ code: 'VERSION_CONFLICT' });
      const winner = results.find((r) => r.status === 200)!;
      expect(winner.body.version).toBe(2);
      const read = await t.request('GET', `/api/goods/${goods.id}`, { token: staff.token });
      expect(read.body).toMatchObject({ version: 2, stock: winner.body.stock });
    });

    it('should bump the version on every change without a version given', async () => {
      const { body: goods } = await create(VALID);
      await Promise.all([1, 2, 3].map((n) => t.request('PATCH', `/api/goods/${goods.id}`, { token: staff.token, body: { stock: n } })));
      const read = await t.request('GET', `/api/goods/${goods.id}`, { token: staff.token });
      expect(read.body.version).toBe(4);
    });
  });

  describe('Idempotency-Key', () => {
    it('should answer the first product for a retried key and create nothing new', async () => {
      const first = await create(VALID, { 'idempotency-key': 'order-123' });
      const again = await create(VALID, { 'idempotency-key': 'order-123' });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await count()).toBe(1);
    });

    it('should refuse the same key with another body with 422', async () => {
      await create(VALID, { 'idempotency-key': 'k1' });
      const other = await create({ ...VALID, price: 1 }, { 'idempotency-key': 'k1' });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await count()).toBe(1);
    });

    it('should keep keys per user', async () => {
      const other = await signInAccount(t, 'staff');
      const a = await create(VALID, { 'idempotency-key': 'same' });
      const b = await create(VALID, { 'idempotency-key': 'same' }, other.token);
      expect(b.status).toBe(201);
      expect(b.body.id).not.toBe(a.body.id);
      expect(await count()).toBe(2);
    });

    it('should create one product for 8 concurrent requests with one key, even when all of them looked for the key first', async () => {
      // No goods can be inserted until the test lets go: each request gets as far as it can
      // (a check-then-insert would have found no key eight times) and waits.
      const results = await behindLock(
        { sql: 'LOCK TABLE goods IN SHARE MODE' },
        Array.from({ length: 8 }, () => () => create(VALID, { 'idempotency-key': 'burst' })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      for (const r of results) expect(r.body).toEqual(results[0].body);
      expect(await count()).toBe(1);
    });

    it('should honour a key for 24 hours and no longer', async () => {
      const first = await create(VALID, { 'idempotency-key': 'old' });
      await t.dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second'`);
      const later = await create(VALID, { 'idempotency-key': 'old' });
      expect(later.status).toBe(201);
      expect(later.body.id).not.toBe(first.body.id);
      const [{ expires }] = await t.dataSource.query(`SELECT round(extract(epoch FROM expires_at - created_at))::int AS expires FROM idempotency_keys`);
      expect(expires).toBe(24 * 3600);
    });

    it('should refuse a malformed key', async () => {
      const res = await create(VALID, { 'idempotency-key': 'x'.repeat(256) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
      expect(await count()).toBe(0);
    });
  });
});
