import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAccount } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('goods count cache (GOODS_COUNT_CACHE_SECONDS)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { GOODS_COUNT_CACHE_SECONDS: '60' } });
    await t.reset();
  });
  afterAll(async () => {
    await t.reset();
    await t.close();
  });

  it('should remember only "more than 10,000", and forget it when goods are deleted here', async () => {
    const staff = await signInAccount(t, 'staff');
    await t.dataSource.query(`INSERT INTO goods (name, price) SELECT '奶' || i, 1 FROM generate_series(1, 10050) AS i`);
    const list = async (query = '') => (await t.request('GET', `/api/goods?pageSize=1${query}`, { token: staff.token })).body;

    expect(await list()).toMatchObject({ total: 10000, totalExact: false });
    // Exact totals are never remembered: a small filter is counted afresh every time.
    expect(await list('&search=%E5%A5%B61')).toMatchObject({ total: 1162, totalExact: true });
    await t.dataSource.query(`DELETE FROM goods WHERE name = '奶1'`);
    expect(await list('&search=%E5%A5%B61')).toMatchObject({ total: 1161, totalExact: true });

    // Deleted behind the app's back: "10,000+" lags, as documented, until the TTL ends…
    await t.dataSource.query(`DELETE FROM goods WHERE name <> '奶2'`);
    expect(await list()).toMatchObject({ total: 10000, totalExact: false });
    // …or until a delete through the API on this instance.
    const [{ id }] = await t.dataSource.query(`INSERT INTO goods (name, price) VALUES ('gone', 1) RETURNING id`);
    expect((await t.request('DELETE', `/api/goods/${id}`, { token: staff.token })).status).toBe(204);
    expect(await list()).toMatchObject({ total: 1, totalExact: true });
  });
});
