import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { ReadPools } from '../../src/database/read-pools';
import { PLANNER_SETTINGS, ReadPlan } from '../../src/goods/goods-sql';
import { signInAccount, TestAccount } from '../support/factories';
import { useTestApp } from '../support/test-app';

const TTL_MS = 60_000;
/** Matches every seeded name; more than three characters, so the planner cannot size it. */
const EVERY_NAME = '鲜牛奶';

describe('goods count cache (GOODS_COUNT_CACHE_SECONDS)', () => {
  const t = useTestApp({ env: { GOODS_COUNT_CACHE_SECONDS: String(TTL_MS / 1000) } });
  let staff: TestAccount;
  let now = Date.now();

  beforeAll(() => {
    // The app's clock, held still and moved by the tests: the cache's TTL ends when a test says so,
    // to the millisecond (t.clock.advance would let real time run on between the steps).
    vi.spyOn(t.clock, 'now').mockImplementation(() => now);
  });
  beforeEach(async () => {
    // An hour on for each test: nothing an earlier test left in the cache is remembered.
    now += 3600_000;
    staff = await signInAccount(t, 'staff');
    await t.dataSource.query(`INSERT INTO goods (name, price) SELECT $1 || i, 1 FROM generate_series(1, 10050) AS i`, [EVERY_NAME]);
  });
  afterAll(async () => {
    // Runs before useTestApp closes the app (after-hooks run in reverse).
    vi.restoreAllMocks();
    await t.reset();
  });

  const list = async (query = '') => {
    const res = await t.request('GET', `/api/goods?pageSize=1${query}`, { token: staff.token });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  const deleteBehindTheAppsBack = () => t.dataSource.query(`DELETE FROM goods WHERE name <> $1`, [`${EVERY_NAME}2`]);

  it('should remember only "more than 10,000", for the TTL from when it was counted', async () => {
    expect(await list()).toMatchObject({ total: 10000, totalExact: false });
    // Exact totals are never remembered: a small filter is counted afresh every time.
    expect(await list('&search=%E5%A5%B61')).toMatchObject({ total: 1162, totalExact: true });
    await t.dataSource.query(`DELETE FROM goods WHERE name = $1`, [`${EVERY_NAME}1`]);
    expect(await list('&search=%E5%A5%B61')).toMatchObject({ total: 1161, totalExact: true });

    // Deleted behind the app's back: "10,000+" lags, as documented, until the TTL ends —
    // counted from when it was counted, however often it is answered meanwhile.
    await deleteBehindTheAppsBack();
    now += TTL_MS - 1;
    expect(await list()).toMatchObject({ total: 10000, totalExact: false });
    now += 1;
    expect(await list()).toMatchObject({ total: 1, totalExact: true });
  });

  it('should forget it when goods are deleted through the API on this instance', async () => {
    expect(await list()).toMatchObject({ total: 10000, totalExact: false });
    await deleteBehindTheAppsBack();
    expect(await list()).toMatchObject({ total: 10000, totalExact: false });

    const [{ id }] = await t.dataSource.query(`INSERT INTO goods (name, price) VALUES ('gone', 1) RETURNING id`);
    expect((await t.request('DELETE', `/api/goods/${id}`, { token: staff.token })).status).toBe(204);
    expect(await list()).toMatchObject({ total: 1, totalExact: true });
  });

  describe('read plans', () => {
    let recorder: MockInstance | undefined;
    afterEach(() => recorder?.mockRestore());

    /** The reads of goods (through the read pools, under a plan's settings) each request makes: `count` or `page`, and its plan. */
    function recordReads(): string[][] {
      const requests: string[][] = [];
      const pools = t.app.get(ReadPools);
      const query = pools.query.bind(pools);
      recorder = vi.spyOn(pools, 'query').mockImplementation((settings, sql, params) => {
        const plan = (Object.keys(PLANNER_SETTINGS) as ReadPlan[]).find((p) => PLANNER_SETTINGS[p] === settings);
        requests[requests.length - 1]?.push(`${/ AS n$/.test(sql) ? 'count' : 'page'} ${plan}`);
        return query(settings, sql, params);
      });
      return requests;
    }
    const readsOf = async (requests: string[][], query: string) => {
      requests.push([]);
      const body = await list(query);
      return { body, reads: requests[requests.length - 1].sort() };
    };

    it('should read a search by createdAt in one statement (walk, else collect) beside its count, then without counting once over the cap', async () => {
      const requests = recordReads();
      const search = `&search=${encodeURIComponent(EVERY_NAME)}`;
      const first = await readsOf(requests, search);
      expect(first.reads).toEqual(['count indexed', 'page indexed']);
      expect(first.body).toMatchObject({ total: 10000, totalExact: false, items: [{ name: expect.stringContaining(EVERY_NAME) }] });

      const next = await readsOf(requests, `${search}&cursor=${first.body.nextCursor}`);
      expect(next.reads).toEqual(['page indexed']);
      expect(next.body).toMatchObject({ total: 10000, totalExact: false, page: null });
      // Same created_at for all: ordered by id, descending, and the cursor page continues after the first.
      expect(next.body.items[0].id < first.body.items[0].id).toBe(true);

      // A deep page is read by index.
      expect((await readsOf(requests, `${search}&page=2000`)).reads).toEqual(['page indexed']);
      // Ordered by name and known over the cap: walked along the name index, not counted again.
      expect((await readsOf(requests, `${search}&ordering=name`)).reads).toEqual(['page indexed']);
      // Ordered by price, a multi-gram term over the cap is walked (with no bitmap).
      expect((await readsOf(requests, `${search}&ordering=price`)).reads).toEqual(['page walk']);
      expect((await readsOf(requests, `&search=${encodeURIComponent('牛奶')}`)).reads).toEqual(['count indexed', 'page indexed']);
    });

    it('should count a search by name first, and collect it when it matches no more than the cap', async () => {
      const requests = recordReads();
      const few = await readsOf(requests, `&search=${encodeURIComponent(`${EVERY_NAME}10`)}&ordering=name`);
      expect(few.reads).toEqual(['count indexed', 'page collect']);
      expect(few.body).toMatchObject({ total: 162, totalExact: true, items: [{ name: `${EVERY_NAME}10` }] });
      const many = await readsOf(requests, `&search=${encodeURIComponent(EVERY_NAME)}&ordering=-name`);
      expect(many.reads).toEqual(['count indexed', 'page indexed']);
      expect(many.body).toMatchObject({ total: 10000, totalExact: false, items: [{ name: `${EVERY_NAME}9999` }] });
    });
  });
});
