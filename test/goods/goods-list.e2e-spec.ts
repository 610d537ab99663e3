import { beforeEach, describe, expect, it } from 'vitest';
import { insertGoods, signInAccount } from '../support/factories';
import { useTestApp } from '../support/test-app';

const NAMES = [
  '红富士苹果', '苹果汁 1L', '青苹果', '苹', '果苹', '牛奶', '酸奶', '奶粉', '纯牛奶 250ml', '三文鱼刺身', '三文治',
  'Apple iPhone', 'APPLE pie', '100% 果汁', '100 果汁', 'a_b', 'ab', 'a\\b', "Robert'); DROP TABLE goods;--",
];

describe('goods list', () => {
  const t = useTestApp();
  let token: string;

  beforeEach(async () => {
    token = (await t.login('o_reader')).accessToken;
  });

  const list = (query: Record<string, string | number | boolean> = {}) =>
    t.request('GET', `/api/goods?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`, { token });
  const names = async (query: Record<string, string | number | boolean>) => {
    const res = await list({ pageSize: 100, ...query });
    expect(res.status, res.text).toBe(200);
    return res.body.items.map((g: any) => g.name).sort();
  };

  describe('search', () => {
    beforeEach(async () => {
      await insertGoods(t, NAMES.map((name) => ({ name })));
    });

    it('should find one-, two- and three-character Chinese terms as substrings', async () => {
      expect(await names({ search: '苹果' })).toEqual(['红富士苹果', '苹果汁 1L', '青苹果'].sort());
      expect(await names({ search: '奶' })).toEqual(['牛奶', '酸奶', '奶粉', '纯牛奶 250ml'].sort());
      expect(await names({ search: '苹' })).toEqual(['红富士苹果', '苹果汁 1L', '青苹果', '苹', '果苹'].sort());
      expect(await names({ search: '三文鱼' })).toEqual(['三文鱼刺身']);
      expect(await names({ search: '牛奶 2' })).toEqual(['纯牛奶 250ml']);
      expect(await names({ search: '苹果苹果' })).toEqual([]);
      expect(await names({ search: '西瓜' })).toEqual([]);
    });

    it('should ignore case and surrounding spaces, and treat an empty term as no search', async () => {
      expect(await names({ search: 'apple' })).toEqual(['APPLE pie', 'Apple iPhone'].sort());
      expect(await names({ search: 'APPLE' })).toEqual(['APPLE pie', 'Apple iPhone'].sort());
      expect(await names({ search: '  pIE ' })).toEqual(['APPLE pie']);
      expect(await names({ search: '' })).toHaveLength(NAMES.length);
    });

    it('should treat % and _ and \\ literally', async () => {
      expect(await names({ search: '%' })).toEqual(['100% 果汁']);
      expect(await names({ search: '100%' })).toEqual(['100% 果汁']);
      expect(await names({ search: '_' })).toEqual(['a_b']);
      expect(await names({ search: 'a_b' })).toEqual(['a_b']);
      expect(await names({ search: '\\' })).toEqual(['a\\b']);
      expect(await names({ search: 'a%b' })).toEqual([]);
    });

    it('should match an ASCII term case-insensitively, also where the name holds a character lower-cased into ASCII (İ, the Kelvin sign)', async () => {
      await insertGoods(t, [{ name: '\u212aitKat 威化' }, { name: '\u0130STANBUL 软糖' }, { name: 'Kit Kat' }, { name: 'İİ' }]);
      const everywhere = async (search: string) => [
        ...(await names({ search })),
        ...(await names({ search, ordering: 'name' })),
        ...(await names({ search, category: '零食' })),
      ];
      expect(await names({ search: 'kitkat' })).toEqual(['\u212aitKat 威化']);
      expect(await names({ search: 'KITKAT 威' })).toEqual(['\u212aitKat 威化']);
      expect(await names({ search: 'istanbul' })).toEqual(['\u0130STANBUL 软糖']);
      expect(await names({ search: 'it k' })).toEqual(['Kit Kat']);
      await t.dataSource.query(`UPDATE goods SET category = '零食'`);
      // By createdAt, by name, in a category.
      expect(await everywhere('tkat')).toEqual(['\u212aitKat 威化', '\u212aitKat 威化', '\u212aitKat 威化']);
      expect(await names({ search: 'kitk', category: '零食', minPrice: '0.5', maxPrice: '1.5' })).toEqual(['\u212aitKat 威化']);
      expect((await list({ search: 'ista', category: '零食', minPrice: '0.5', maxPrice: '1.5' })).body.total).toBe(1);
      // No other character lower-cases into ASCII on this database (goods-sql.ts's LOWERED_TO_ASCII relies on it).
      const rows: { c: number }[] = await t.dataSource.query(
        `SELECT c FROM generate_series(128, 1114111) AS c WHERE (c < 55296 OR c > 57343) AND lower(chr(c)) ~ '[\x01-\x7f]' ORDER BY c`,
      );
      expect(rows.map((r) => r.c)).toEqual([0x130, 0x212a]);
    });

    it('should treat injection strings as text', async () => {
      expect(await names({ search: "'); DROP TABLE goods;--" })).toEqual(["Robert'); DROP TABLE goods;--"]);
      expect(await names({ search: "' OR '1'='1" })).toEqual([]);
      expect(await names({ search: '$1' })).toEqual([]);
      const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM goods');
      expect(n).toBe(NAMES.length);
    });

    it('should count what it finds', async () => {
      const res = await list({ search: '奶', pageSize: 2 });
      expect(res.body).toMatchObject({ total: 4, totalExact: true, page: 1, pageSize: 2 });
      expect(res.body.items).toHaveLength(2);
      expect(res.body.nextCursor).toEqual(expect.any(String));
    });
  });

  describe('counts of one-gram terms (goods_gram_counts)', () => {
    const TERMS = ['奶', '牛奶', '奶奶', 'Mi', 'k', '1', 'İ', '%', 'milk', 'MILK', 'ilk', '12345', '250ml', 'kitkat', 'lk 2', 'a_b', '奶 m'];

    /** Every term's total as the API answers it, next to a count of the table itself. */
    async function totals(): Promise<{ api: Record<string, number>; table: Record<string, number> }> {
      const api: Record<string, number> = {};
      const table: Record<string, number> = {};
      for (const search of TERMS) {
        const res = await list({ search, pageSize: 1 });
        expect(res.status, res.text).toBe(200);
        api[search] = res.body.total;
        const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM goods WHERE strpos(lower(name), lower($1)) > 0`, [search]);
        table[search] = n;
      }
      return { api, table };
    }
    const expectExact = async (step: string) => {
      const { api, table } = await totals();
      expect(api, step).toEqual(table);
    };

    it('should stay exact through inserts, renames, other updates, deletes and truncation, by the API or not', async () => {
      const staff = await signInAccount(t, 'staff');
      await insertGoods(t, [{ name: '牛奶 250ml' }, { name: '奶奶奶 Milk 2' }, { name: 'SKIM MILK 12345 milk' }, { name: 'a_b İstanbul' }, { name: '100% 果汁' }, { name: 'KitKat 250ML×2' }]);
      await expectExact('inserted');

      const created = await t.request('POST', '/api/goods', { token: staff.token, body: { name: 'Milk 牛奶 123456', price: 5 } });
      expect(created.status, created.text).toBe(201);
      await expectExact('created by the API');

      const renamed = await t.request('PATCH', `/api/goods/${created.body.id}`, { token: staff.token, body: { name: '酸奶 yogurt' } });
      expect(renamed.status, renamed.text).toBe(200);
      await expectExact('renamed by the API');
      expect((await t.request('PATCH', `/api/goods/${created.body.id}`, { token: staff.token, body: { price: 6, stock: 3 } })).status).toBe(200);
      await expectExact('repriced by the API');

      await t.dataSource.query(`UPDATE goods SET name = name || ' milk' WHERE name LIKE '%奶%'`);
      await t.dataSource.query(`UPDATE goods SET name = upper(name), stock = stock + 1`);
      await expectExact('renamed together');

      expect((await t.request('DELETE', `/api/goods/${created.body.id}`, { token: staff.token })).status).toBe(204);
      await t.dataSource.query(`DELETE FROM goods WHERE name LIKE '%12345%'`);
      await expectExact('deleted');

      await t.dataSource.query(`TRUNCATE goods CASCADE`);
      await expectExact('truncated');
      await insertGoods(t, [{ name: '奶' }]);
      expect((await totals()).api).toMatchObject({ 奶: 1, 牛奶: 0 });
      await expectExact('inserted again');
    });

    it('should not let a rolled back write change a count', async () => {
      await insertGoods(t, [{ name: '牛奶' }]);
      const runner = t.dataSource.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query(`INSERT INTO goods (name, price) VALUES ('牛奶 2', 1)`);
        await runner.query(`DELETE FROM goods WHERE name = '牛奶'`);
        await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
      expect((await totals()).api).toMatchObject({ 奶: 1, 牛奶: 1, 'lk 2': 0 });
    });
  });

  describe('counts of a search in a category and a price range (goods_gram_price_counts)', () => {
    const TERMS = ['奶', '牛奶', 'mi', 'k', 'milk', 'MILK', '250ml', '三文鱼', 'milk tea'];
    // Bounds on bucket edges (0, 1, 10, 100), inside buckets (0.5, 25, 105, 150), a cent either side of an edge.
    const RANGES: [string | undefined, string | undefined][] = [
      [undefined, undefined], ['0', '20'], ['5', '105'], ['20', '25'], ['0.5', '0.99'], ['1', '9.99'], ['9.99', '10'], ['10.01', '99.99'],
      ['25', '150'], ['100', '100'], ['150', '250'], ['99.99', undefined], [undefined, '100.01'], ['1000', undefined], ['0', '99999999.99'],
    ];
    const PRICES = ['0.00', '0.50', '0.99', '1.00', '9.99', '10.00', '10.01', '19.99', '20.00', '25.00', '99.99', '100.00', '100.01', '105.00', '150.00', '199.99', '200.00', '250.00', '999.99', '1000.00', '12345.67'];

    /** Every term, category and range: the API's total next to a count of the table itself. */
    async function expectExact(step: string): Promise<void> {
      const cases = TERMS.flatMap((search) => ['乳品', '饮料'].flatMap((category) => RANGES.map(([minPrice, maxPrice]) => ({ search, category, minPrice, maxPrice }))));
      const keyOf = (c: (typeof cases)[number]) => `${c.search}|${c.category}|${c.minPrice ?? ''}-${c.maxPrice ?? ''}`;
      // The API, a few requests at a time (the app serves them as it would any clients)…
      const api: Record<string, number> = {};
      for (let i = 0; i < cases.length; i += 6) {
        await Promise.all(
          cases.slice(i, i + 6).map(async (c) => {
            const query: Record<string, string> = { search: c.search, category: c.category, pageSize: '1' };
            if (c.minPrice !== undefined) query.minPrice = c.minPrice;
            if (c.maxPrice !== undefined) query.maxPrice = c.maxPrice;
            const res = await list(query);
            expect(res.status, res.text).toBe(200);
            api[keyOf(c)] = res.body.total;
          }),
        );
      }
      // …and the table, every case counted by one statement that reads goods itself (no counter).
      const rows: { k: number; n: number }[] = await t.dataSource.query(
        `SELECT c.k::int AS k, count(g.id)::int AS n
           FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[]) WITH ORDINALITY AS c(search, category, min_price, max_price, k)
           LEFT JOIN goods g ON strpos(lower(g.name), lower(c.search)) > 0 AND g.category = c.category
                            AND (c.min_price IS NULL OR g.price >= c.min_price) AND (c.max_price IS NULL OR g.price <= c.max_price)
          GROUP BY c.k`,
        [cases.map((c) => c.search), cases.map((c) => c.category), cases.map((c) => c.minPrice ?? null), cases.map((c) => c.maxPrice ?? null)],
      );
      expect(rows).toHaveLength(cases.length);
      const table: Record<string, number> = {};
      for (const { k, n } of rows) table[keyOf(cases[k - 1])] = n;
      expect(api, step).toEqual(table);
    }

    it('should stay exact for any range through inserts, price and category changes, renames, deletes and truncation', async () => {
      const names = ['牛奶 250ml', 'Milk Tea 奶茶', 'SKIM MILK', 'KitKat 250ML', '三文鱼', '奶奶 mi'];
      await insertGoods(
        t,
        PRICES.flatMap((price, i) => names.map((name, j) => ({ name, price, category: (i + j) % 3 === 0 ? '饮料' : (i + j) % 3 === 1 ? '乳品' : null }))),
      );
      await expectExact('inserted');

      const staff = await signInAccount(t, 'staff');
      const [{ id }] = await t.dataSource.query(`SELECT id FROM goods WHERE name = '牛奶 250ml' AND category = '乳品' ORDER BY price LIMIT 1`);
      expect((await t.request('PATCH', `/api/goods/${id}`, { token: staff.token, body: { price: 150 } })).status).toBe(200);
      await expectExact('repriced into another bucket by the API');
      expect((await t.request('PATCH', `/api/goods/${id}`, { token: staff.token, body: { price: 150.5, stock: 2 } })).status).toBe(200);
      expect((await t.request('PATCH', `/api/goods/${id}`, { token: staff.token, body: { category: '饮料' } })).status).toBe(200);
      await expectExact('moved to another category by the API');
      expect((await t.request('PATCH', `/api/goods/${id}`, { token: staff.token, body: { category: null, name: 'milk 奶' } })).status).toBe(200);
      await expectExact('renamed out of any category');

      await t.dataSource.query(`UPDATE goods SET price = price * 10 + 0.5 WHERE name LIKE '%奶%'`);
      await t.dataSource.query(`UPDATE goods SET category = CASE WHEN category = '乳品' THEN '饮料' ELSE '乳品' END WHERE name ILIKE '%milk%'`);
      await t.dataSource.query(`UPDATE goods SET name = upper(name), stock = stock + 1`);
      await expectExact('changed together');
      // Name (its grams) and price (its bucket) in one statement, in both directions of the rename.
      await t.dataSource.query(`UPDATE goods SET name = replace(name, '奶', '水') || ' milk', price = price + 100 WHERE name LIKE '%奶%'`);
      await t.dataSource.query(`UPDATE goods SET name = replace(name, 'MILK', '奶'), price = price / 3, category = '乳品' WHERE name LIKE '%MILK%'`);
      await expectExact('renamed and repriced in one statement');

      await t.dataSource.query(`DELETE FROM goods WHERE price < 20`);
      await expectExact('deleted');
      const runner = t.dataSource.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query(`UPDATE goods SET price = 1 WHERE category = '乳品'`);
        await runner.query(`DELETE FROM goods WHERE category = '饮料'`);
        await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
      await expectExact('rolled back');
      await t.dataSource.query(`TRUNCATE goods CASCADE`);
      await insertGoods(t, [{ name: '牛奶', price: '25.00', category: '乳品' }]);
      await expectExact('truncated and inserted again');
    });
  });

  describe('filters and ordering', () => {
    beforeEach(async () => {
      await insertGoods(t, [
        { name: 'A', price: '10.00', stock: 5, category: '水果', onSale: true, createdAt: '2026-01-01T00:00:01Z' },
        { name: 'B', price: '10.00', stock: 5, category: '水果', onSale: false, createdAt: '2026-01-01T00:00:01Z' },
        { name: 'C', price: '0.10', stock: 0, category: '乳品', onSale: true, createdAt: '2026-01-01T00:00:03Z' },
        { name: 'D', price: '99999999.99', stock: 7, category: null, onSale: true, createdAt: '2026-01-01T00:00:02Z' },
        { name: 'E', price: '10.01', stock: 5, category: '水果', onSale: true, createdAt: '2026-01-01T00:00:01Z' },
        // Sorted as text, 9.99 and 12 would land after 10.01 and 7.
        { name: 'F', price: '9.99', stock: 12, category: '乳品', onSale: false, createdAt: '2026-01-01T00:00:04Z' },
      ]);
    });

    it('should filter by category, onSale and an inclusive price range', async () => {
      expect(await names({ category: '水果' })).toEqual(['A', 'B', 'E']);
      expect(await names({ onSale: false })).toEqual(['B', 'F']);
      expect(await names({ onSale: true, category: '水果' })).toEqual(['A', 'E']);
      expect(await names({ minPrice: '10', maxPrice: '10.00' })).toEqual(['A', 'B']);
      expect(await names({ minPrice: '10.01' })).toEqual(['D', 'E']);
      expect(await names({ maxPrice: '0.1' })).toEqual(['C']);
      expect(await names({ category: '蔬菜' })).toEqual([]);
    });

    it('should order by every whitelisted field, ties broken by id in the same direction', async () => {
      const all = (await list({ pageSize: 100 })).body.items as any[];
      expect(all).toHaveLength(6);
      const byKey = (key: (g: any) => string | number, desc: boolean) =>
        [...all]
          .sort((x, y) => {
            const a = key(x);
            const b = key(y);
            const c = a < b ? -1 : a > b ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
            return desc ? -c : c;
          })
          .map((g) => g.name);
      const cases: [string, (g: any) => string | number][] = [
        ['price', (g) => g.price],
        ['stock', (g) => g.stock],
        ['name', (g) => g.name],
        ['createdAt', (g) => g.createdAt],
      ];
      for (const [field, key] of cases) {
        for (const desc of [false, true]) {
          const ordering = `${desc ? '-' : ''}${field}`;
          const res = await list({ ordering, pageSize: 100 });
          expect(res.body.items.map((g: any) => g.name), ordering).toEqual(byKey(key, desc));
        }
      }
      // The default is newest first.
      expect(all.map((g) => g.name)).toEqual(byKey((g) => g.createdAt, true));
    });

    it('should refuse minPrice above maxPrice', async () => {
      expect((await list({ minPrice: '11', maxPrice: '10' })).status).toBe(400);
    });
  });

  describe('paging', () => {
    beforeEach(async () => {
      // 25 goods over 4 prices and 3 timestamps: plenty of ties.
      await insertGoods(
        t,
        Array.from({ length: 25 }, (_, i) => ({
          name: `商品${String(i % 7).padStart(2, '0')}`,
          price: `${(i % 4) * 5}.50`,
          stock: i % 3,
          category: i % 2 ? '水果' : '乳品',
          createdAt: `2026-01-01T00:00:0${i % 3}.${String(i).padStart(3, '0')}456Z`,
        })),
      );
    });

    async function walkPages(query: Record<string, string | number>, pageSize: number): Promise<string[]> {
      const ids: string[] = [];
      for (let page = 1; ; page++) {
        const res = await list({ ...query, page, pageSize });
        expect(res.status).toBe(200);
        expect(res.body.page).toBe(page);
        ids.push(...res.body.items.map((g: any) => g.id));
        if (res.body.items.length < pageSize) return ids;
      }
    }

    async function walkCursor(query: Record<string, string | number>, pageSize: number): Promise<string[]> {
      const ids: string[] = [];
      let res = await list({ ...query, pageSize });
      for (;;) {
        expect(res.status, res.text).toBe(200);
        ids.push(...res.body.items.map((g: any) => g.id));
        if (!res.body.nextCursor) return ids;
        res = await list({ ...query, pageSize, cursor: res.body.nextCursor });
        expect(res.body.page).toBeNull();
      }
    }

    it('should give pages that never overlap and together hold every row', async () => {
      for (const ordering of ['price', '-price', 'createdAt', '-createdAt', 'name', '-name', 'stock', '-stock']) {
        const ids = await walkPages({ ordering }, 4);
        expect(ids, ordering).toHaveLength(25);
        expect(new Set(ids).size, ordering).toBe(25);
      }
    });

    it('should walk with the cursor through exactly the rows of walking with pages', async () => {
      for (const ordering of ['price', '-price', 'createdAt', '-createdAt', 'name', '-name', 'stock', '-stock']) {
        for (const filter of [{}, { category: '水果' }, { search: '商品0', minPrice: '5' }] as Record<string, string>[]) {
          const query = { ordering, ...filter };
          const byPage = await walkPages(query, 3);
          const byCursor = await walkCursor(query, 3);
          expect(byCursor, JSON.stringify(query)).toEqual(byPage);
        }
      }
    });

    it('should give a search (alone, or in a category and a price range) exactly the rows and order of the table, by pages and by cursor', async () => {
      const columns: Record<string, string> = { createdAt: 'created_at', name: 'name', price: 'price' };
      const filters: Record<string, string>[] = [
        { search: '商品0' }, // not counted: walked, or counted first by name
        { search: '商品' }, // counted: read from goods_gram_counts
        { search: '品06' },
        { search: '商品0', category: '水果', minPrice: '5', maxPrice: '15.5' },
        { search: '品', category: '乳品' },
      ];
      for (const ordering of ['createdAt', '-createdAt', 'name', '-name', 'price']) {
        const column = columns[ordering.replace(/^-/, '')];
        const dir = ordering.startsWith('-') ? 'DESC' : 'ASC';
        for (const filter of filters) {
          const rows: { id: string }[] = await t.dataSource.query(
            `SELECT id FROM goods WHERE strpos(lower(name), lower($1)) > 0 AND ($2::text IS NULL OR category = $2)
                AND ($3::numeric IS NULL OR price >= $3) AND ($4::numeric IS NULL OR price <= $4)
              ORDER BY ${column} ${dir}, id ${dir}`,
            [filter.search, filter.category ?? null, filter.minPrice ?? null, filter.maxPrice ?? null],
          );
          const expected = rows.map((r) => r.id);
          const query = { ordering, ...filter };
          expect(expected.length, JSON.stringify(query)).toBeGreaterThan(2);
          expect(await walkPages(query, 2), JSON.stringify(query)).toEqual(expected);
          expect(await walkCursor(query, 2), JSON.stringify(query)).toEqual(expected);
          expect((await list({ ...query, pageSize: 1 })).body.total, JSON.stringify(query)).toBe(expected.length);
        }
      }
    });

    it('should put nextCursor null on the last page', async () => {
      const last = await list({ page: 3, pageSize: 10 });
      expect(last.body.items).toHaveLength(5);
      expect(last.body.nextCursor).toBeNull();
      const exact = await list({ page: 5, pageSize: 5 });
      expect(exact.body.items).toHaveLength(5);
      expect(exact.body.nextCursor).toBeNull();
      const beyond = await list({ page: 9, pageSize: 5 });
      expect(beyond.body).toMatchObject({ items: [], total: 25, nextCursor: null });
    });

    it('should refuse a cursor with page, with other filters or ordering, or tampered with', async () => {
      const first = await list({ pageSize: 5, category: '水果' });
      const cursor = first.body.nextCursor;
      const withPage = await list({ cursor, page: 2, category: '水果' });
      expect(withPage.status).toBe(400);
      expect(withPage.body.code).toBe('CURSOR_WITH_PAGE');
      for (const query of [{ cursor }, { cursor, category: '乳品' }, { cursor, category: '水果', ordering: 'price' }] as Record<string, string>[]) {
        const res = await list(query);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('CURSOR_INVALID');
      }
      const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...payload, k: "x' OR 1=1" })).toString('base64url');
      for (const bad of [forged, 'garbage', '%%%', 'eyJ2IjoxfQ']) {
        const res = await list({ cursor: bad, category: '水果' });
        expect(res.status, bad).toBe(400);
      }
    });
  });

  it('should cap total at 10,000, refuse pages deeper than 10,000 rows, and reach every row by cursor', async () => {
    await t.dataSource.query(
      `INSERT INTO goods (name, price, created_at) SELECT '商品' || i, (i % 100) + 0.5, now() - i * interval '1 millisecond' FROM generate_series(1, 10050) AS i`,
    );
    const first = await list();
    expect(first.body).toMatchObject({ total: 10000, totalExact: false, page: 1, pageSize: 20 });
    const filtered = await list({ maxPrice: '0.5' });
    expect(filtered.body).toMatchObject({ total: 100, totalExact: true });

    const deepest = await list({ page: 500, pageSize: 20 });
    expect(deepest.status).toBe(200);
    expect(deepest.body.items).toHaveLength(20);
    for (const [page, pageSize] of [[501, 20], [101, 100], [10001, 1]]) {
      const res = await list({ page, pageSize });
      expect(res.status).toBe(400);
      expect(res.body.code).toMatch(/PAGE_TOO_DEEP|VALIDATION_FAILED/);
    }
    expect((await list({ page: 501, pageSize: 20 })).body.message).toMatch(/cursor/);

    // Past the offset limit the cursor keeps going, one page at a time.
    const seen = new Set<string>();
    let res = await list({ pageSize: 100 });
    let pages = 0;
    for (;;) {
      for (const g of res.body.items) seen.add(g.id);
      pages++;
      if (!res.body.nextCursor) break;
      res = await list({ pageSize: 100, cursor: res.body.nextCursor });
      expect(res.status).toBe(200);
    }
    expect(pages).toBe(101);
    expect(seen.size).toBe(10050);
  });

  it.each([
    'pageSize=0', 'pageSize=101', 'pageSize=abc', 'page=0', 'page=-1', 'page=1.5', 'onSale=yes', 'onSale=1', 'minPrice=1.005', 'maxPrice=-1',
    'minPrice=abc', 'ordering=id', 'ordering=-updatedAt', 'ordering=price;drop', 'category=' + 'x'.repeat(51), 'search=' + 'x'.repeat(101),
    'sort=price', 'limit=10', 'offset=5', 'page=1&page=2',
  ])('should answer 400 for %s', async (query) => {
    const res = await t.request('GET', `/api/goods?${query}`, { token });
    expect(res.status).toBe(400);
  });

  it('should show every signed-in user every goods, on sale or not', async () => {
    await insertGoods(t, [{ name: 'on', onSale: true }, { name: 'off', onSale: false }]);
    expect(await names({})).toEqual(['off', 'on']);
    const staff = await signInAccount(t, 'staff');
    const res = await t.request('GET', '/api/goods', { token: staff.token });
    expect(res.body.total).toBe(2);
  });
});
