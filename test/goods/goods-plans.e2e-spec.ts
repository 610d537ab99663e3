import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOODS_ORDERINGS, GoodsOrdering } from '../../src/goods/dto/list-goods.query';
import type { GoodsFilter, PagePosition } from '../../src/goods/goods-cursor';
import { buildCountQuery, buildListQuery, ReadPlan, setLocalStatements, SqlQuery } from '../../src/goods/goods-sql';
import { startTestApp, TestApp } from '../support/test-app';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

const SEED_ROWS = 100_000;
const LAST = { value: '2026-01-01T00:00:00.000000Z', id: '00000000-0000-4000-8000-000000000000' };
const KEYSETS: Record<string, string> = { createdAt: '2026-01-01T03:00:00.000000Z', price: '50.00', name: '新鲜苹果 5号', stock: '40' };

/**
 * The plans of the exact SQL the repository runs, under the exact planner settings it runs
 * it with (`query.plan`'s PLANNER_SETTINGS, here as SET LOCAL in a transaction of its own; the app's read pools start their connections with them
 * does) and nothing else. Every list, search and count must be index-driven, and each
 * single filter with an ordering must read its own (filter, column, id) index.
 */
describe('goods query plans', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await t.reset();
    // In slices: each statement well inside the app's query timeout (the per-gram count triggers cost ~0.1 ms a row).
    for (let from = 1; from <= SEED_ROWS; from += SEED_ROWS / 4) {
      await t.dataSource.query(
        `INSERT INTO goods (name, price, stock, category, on_sale, created_at)
         SELECT (ARRAY['新鲜','进口','有机','精选'])[1 + i % 4] || (ARRAY['苹果','牛奶','酸奶','奶粉','香蕉','大米','三文鱼','Apple'])[1 + (i / 4) % 8] || ' ' || (i % 97) || '号',
                (i % 10000) / 100.0, i % 100, (ARRAY['水果','乳品','粮油','肉禽','水产','蔬菜','饮料','零食','烘焙'])[1 + i % 9], i % 10 <> 0,
                timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second'
           FROM generate_series(${from}, ${from + SEED_ROWS / 4 - 1}) AS i`,
      );
    }
    await t.dataSource.query(`INSERT INTO goods (name, price, created_at) SELECT '榴莲' || i, 9, timestamptz '2025-01-01 00:00:00+00' FROM generate_series(1, 5) AS i`);
    // As the bench's seed and autovacuum leave it: the visibility map set, so index-only scans need no heap.
    await t.dataSource.query(`VACUUM ANALYZE goods`);
  });
  afterAll(async () => {
    await t.reset();
    await t.close();
  });

  async function plan(query: SqlQuery): Promise<PlanNode[]> {
    const runner = t.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query(setLocalStatements(query.plan));
      const [row] = await runner.query(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.params);
      await runner.rollbackTransaction();
      return flatten(row['QUERY PLAN'][0].Plan);
    } finally {
      await runner.release();
    }
  }

  const onGoods = (nodes: PlanNode[]) => nodes.filter((n) => n['Relation Name'] === 'goods' || n['Index Name']?.startsWith('goods_'));
  const describePlan = (nodes: PlanNode[]) => nodes.map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`).join(' > ');

  function expectIndexDriven(nodes: PlanNode[], label: string) {
    const goodsNodes = onGoods(nodes);
    expect(goodsNodes.filter((n) => n['Node Type'] === 'Seq Scan'), `${label}: ${describePlan(nodes)}`).toEqual([]);
    expect(goodsNodes.some((n) => /Index/.test(n['Node Type'])), `${label}: ${describePlan(nodes)}`).toBe(true);
  }

  const filters: [string, GoodsFilter][] = [
    ['no filter', {}],
    ['search 奶 (one character)', { search: '奶' }],
    ['search 苹果 (two characters)', { search: '苹果' }],
    ['search 三文鱼 (three characters)', { search: '三文鱼' }],
    ['search apple (latin)', { search: 'apple' }],
    ['category', { category: '水果' }],
    ['onSale', { onSale: true }],
    ['not onSale', { onSale: false }],
    ['price range', { minPrice: '10', maxPrice: '20.5' }],
    ['minPrice only', { minPrice: '99' }],
    ['category + onSale + price range', { category: '乳品', onSale: true, minPrice: '1', maxPrice: '50' }],
    ['search + category', { search: '牛奶', category: '乳品' }],
  ];

  const columnOf = (ordering: string) => ordering.replace(/^-/, '').replace('createdAt', 'created_at');

  it('should answer every list, search and page with indexes, never a sequential scan of goods', async () => {
    for (const [label, filter] of filters) {
      // A search may be read by any of the plans chooseReadPlan picks from; anything else is `indexed`.
      const plans: ReadPlan[] = filter.search ? ['indexed', 'walk', 'collect'] : ['indexed'];
      for (const ordering of GOODS_ORDERINGS) {
        const pages: [string, PagePosition][] = [
          ['first page', { offset: 0 }],
          ['page 50', { offset: 980 }],
          ['cursor', { after: { ...LAST, value: KEYSETS[ordering.replace(/^-/, '')] } }],
        ];
        for (const [pageLabel, page] of pages) {
          for (const readPlan of plans) {
            const nodes = await plan(buildListQuery(filter, ordering as GoodsOrdering, page, 21, readPlan));
            expectIndexDriven(nodes, `${label}, ${ordering}, ${pageLabel}, ${readPlan}`);
          }
        }
      }
    }
  });

  it('should read the page of a selective filter in its own (filter, ordering, id) index, with no sort', async () => {
    // (onSale=true, 90% of the rows, may as well walk the plain ordering index and skip the others.)
    const single: [string, GoodsFilter][] = [
      ['on_sale', { onSale: false }],
      ['category', { category: '乳品' }],
    ];
    for (const [prefix, filter] of single) {
      // (By createdAt the plain index may win: it follows the table's physical order, so the
      // rows it skips cost little.)
      for (const ordering of GOODS_ORDERINGS.filter((o) => columnOf(o) !== 'created_at')) {
        for (const page of [{ offset: 0 }, { after: { ...LAST, value: KEYSETS[ordering.replace(/^-/, '')] } }] as PagePosition[]) {
          const nodes = await plan(buildListQuery(filter, ordering as GoodsOrdering, page, 21));
          const label = `${JSON.stringify(filter)}, ${ordering}, ${page.after ? 'cursor' : 'first page'}: ${describePlan(nodes)}`;
          expect(describePlan(nodes), label).toMatch(new RegExp(`^Limit > Index Scan( Backward)? goods_${prefix}_${columnOf(ordering)}_idx$`));
        }
      }
    }
  });

  it('should collect a search ordered by name under the cap through the bigram index alone, sort it, then read the page by id', async () => {
    // (Terms goods_gram_counts does not count: the repository counts them first.)
    for (const search of ['三文鱼', '新鲜苹果', 'apple pie']) {
      for (const ordering of ['name', '-name'] as const) {
        const query = buildListQuery({ search }, ordering, { offset: 0 }, 21, 'collect');
        expect(query.plan).toBe('collect');
        expect(describePlan(await plan(query)), `${search} ${ordering}`).toMatch(
          /^Sort > Bitmap Heap Scan > Bitmap Index Scan goods_name_grams_expr_idx > Nested Loop > Limit > Sort > CTE Scan > Bitmap Heap Scan > Bitmap Index Scan goods_pkey$/,
        );
      }
    }
  });

  it('should walk a search alone by createdAt or name index-only, with the collect through the bigram index only as its fallback', async () => {
    for (const search of ['奶', '苹果', '三文鱼', 'apple']) {
      for (const ordering of ['createdAt', '-createdAt', 'name', '-name'] as const) {
        for (const page of [{ offset: 0 }, { offset: 980 }, { after: { ...LAST, value: KEYSETS[ordering.replace(/^-/, '')] } }] as PagePosition[]) {
          const readPlan = ordering.endsWith('name') ? 'walk' : 'indexed';
          const nodes = await plan(buildListQuery({ search }, ordering, page, 21, readPlan));
          const label = `${search} ${ordering} ${JSON.stringify(page)}: ${describePlan(nodes)}`;
          const walk = nodes.find((n) => n['Index Name'] === `goods_${columnOf(ordering)}_idx`);
          expect(walk?.['Node Type'], label).toBe('Index Only Scan');
          // The fallback collects through a bitmap: the bigram index, or (after a cursor, when the planner finds it narrower) the keyset's range.
          expect(nodes.some((n) => n['Node Type'] === 'Bitmap Index Scan'), label).toBe(true);
          if (!page.after) expect(nodes.some((n) => n['Index Name'] === 'goods_name_grams_expr_idx'), label).toBe(true);
          expect(nodes.some((n) => n['Index Name'] === 'goods_pkey'), label).toBe(true);
          const byKey = ['goods_pkey', 'goods_gram_counts_pkey'];
          expect(onGoods(nodes).filter((n) => n['Node Type'] === 'Seq Scan' || (n['Node Type'] === 'Index Scan' && !byKey.includes(n['Index Name']!))), label).toEqual([]);
        }
      }
    }
  });

  it('should walk a search in a category and a price range by createdAt in (category, created_at, id) INCLUDE (name, price), index-only', async () => {
    for (const filter of [{ search: '奶', category: '乳品' }, { search: 'apple', category: '水果', minPrice: '1', maxPrice: '50' }] as GoodsFilter[]) {
      for (const ordering of ['-createdAt', 'createdAt'] as const) {
        const nodes = await plan(buildListQuery(filter, ordering, { offset: 0 }, 21));
        const label = `${JSON.stringify(filter)} ${ordering}: ${describePlan(nodes)}`;
        expect(nodes.find((n) => n['Index Name'] === 'goods_category_created_at_idx')?.['Node Type'], label).toBe('Index Only Scan');
        expect(onGoods(nodes).filter((n) => n['Node Type'] === 'Seq Scan'), label).toEqual([]);
      }
    }
  });

  it('should skip the rows before an offset page in the ordering index alone, and read only the page from the table', async () => {
    for (const [filter, index] of [
      [{}, 'goods_created_at_idx'],
      [{ category: '乳品' }, 'goods_category_created_at_idx'],
    ] as [GoodsFilter, string][]) {
      const nodes = await plan(buildListQuery(filter, '-createdAt', { offset: 980 }, 21));
      expect(describePlan(nodes), JSON.stringify(filter)).toMatch(
        new RegExp(`^Sort > Nested Loop > Limit > Index Only Scan( Backward)? ${index} > Index Scan goods_pkey$`),
      );
    }
  });

  it('should count with indexes, and never past 10,001 rows', async () => {
    for (const [label, filter] of filters) {
      const query = buildCountQuery(filter, 10_001);
      expect(query.sql).toMatch(/LIMIT \$\d+::int\) capped/);
      const nodes = await plan(query);
      expectIndexDriven(nodes, `count, ${label}`);
      // A search alone that is one counted gram (one or two characters, three to five ASCII
      // letters or digits): read from goods_gram_counts by its key (the planner folds the test
      // away); else narrowed by the bigram index (pg_trgm could not index 奶 or 苹果).
      if (filter.search && Object.keys(filter).length === 1) {
        const short = [...filter.search].length <= 2 || /^[a-z0-9]{3,5}$/i.test(filter.search);
        expect(describePlan(nodes), label).toBe(short ? 'Result > Index Scan goods_gram_counts_pkey' : 'Result > Aggregate > Limit > Bitmap Heap Scan > Bitmap Index Scan goods_name_grams_expr_idx');
      }
    }
  });

  it('should pick the bigram index for a rare term and the ordering index for pages', async () => {
    // In a category (and a price range), a term goods_gram_counts does not count: index-only in a (category, …) index
    // holding the name ((category, price, id) INCLUDE (name) for a price range).
    for (const filter of [{ search: '三文鱼', category: '水产' }, { search: 'apple pie', category: '水果', minPrice: '1', maxPrice: '50' }]) {
      const inCategory = buildCountQuery(filter, 10_001);
      expect(inCategory.plan).toBe('walk');
      expect(describePlan(await plan(inCategory)), JSON.stringify(filter)).toMatch(
        filter.minPrice ? /^Aggregate > Limit > Index Only Scan goods_category_price_idx$/ : /^Aggregate > Limit > Index Only Scan goods_category_\w+_idx$/,
      );
    }
    // A counted term: the whole price buckets from goods_gram_price_counts by its key, the buckets the range cuts
    // index-only in (category, price, id) INCLUDE (name); nothing else.
    for (const filter of [
      { search: '榴', category: '水果' },
      { search: 'apple', category: '水果', minPrice: '1.5', maxPrice: '55' },
      { search: '奶', category: '乳品', minPrice: '20', maxPrice: '25' },
      { search: 'Apple', category: '水果', maxPrice: '105' },
    ] as GoodsFilter[]) {
      const nodes = await plan(buildCountQuery(filter, 10_001));
      const label = `${JSON.stringify(filter)}: ${describePlan(nodes)}`;
      expect(nodes.some((n) => n['Index Name'] === 'goods_gram_price_counts_pkey'), label).toBe(true);
      const goodsScans = onGoods(nodes).filter((n) => n['Relation Name'] === 'goods' || n['Index Name']?.startsWith('goods_category'));
      for (const scan of goodsScans) expect(`${scan['Node Type']} ${scan['Index Name']}`, label).toBe('Index Only Scan goods_category_price_idx');
      expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan' || /Bitmap/.test(n['Node Type'])), label).toEqual([]);
    }
    const longer = await plan(buildCountQuery({ search: '榴莲1' }, 10_001));
    expect(describePlan(longer)).toContain('Bitmap Index Scan goods_name_grams_expr_idx');

    for (const ordering of GOODS_ORDERINGS) {
      const column = columnOf(ordering);
      const first = await plan(buildListQuery({}, ordering as GoodsOrdering, { offset: 0 }, 21));
      expect(describePlan(first), ordering).toMatch(new RegExp(`Index Scan( Backward)? goods_${column}_idx`));
      const keyset = await plan(buildListQuery({}, ordering as GoodsOrdering, { after: { ...LAST, value: KEYSETS[ordering.replace(/^-/, '')] } }, 21));
      expect(describePlan(keyset), ordering).toMatch(new RegExp(`Index Scan( Backward)? goods_${column}_idx`));
      // A multi-gram term matching many rows, by price or stock: walked along the ordering index, no bitmap.
      if (column === 'price' || column === 'stock') {
        const walked = await plan(buildListQuery({ search: '三文鱼' }, ordering as GoodsOrdering, { offset: 0 }, 21, 'walk'));
        expect(describePlan(walked), ordering).toMatch(new RegExp(`^Limit > Index Scan( Backward)? goods_${column}_idx$`));
      }
    }
  });

  // The planner charges goods_name_grams' cost (COST 250) per row even of a branch that never
  // runs: at a million goods a search page's estimate passed jit_above_cost and PostgreSQL spent
  // ~30 ms compiling a query that runs in 1 ms. Here the threshold is 0, so any read whose
  // settings left JIT on would compile; the first query proves this server does JIT.
  it('should never JIT-compile a catalogue read, whatever its estimate', async () => {
    const jitSections = async (query: SqlQuery, settings: string): Promise<number> => {
      const runner = t.dataSource.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query(`SET LOCAL jit_above_cost = 0; ${settings}`);
        const [row] = await runner.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`, query.params);
        await runner.rollbackTransaction();
        return row['QUERY PLAN'].filter((p: { JIT?: unknown }) => p.JIT !== undefined).length;
      } finally {
        await runner.release();
      }
    };
    const page = buildListQuery({ search: '奶' }, '-createdAt', { offset: 0 }, 20);
    expect(await jitSections(page, 'SET LOCAL jit = on')).toBe(1);
    const reads: SqlQuery[] = [
      page,
      buildListQuery({ search: '三文鱼' }, 'name', { offset: 0 }, 20, 'collect'),
      buildListQuery({ search: '三文鱼' }, 'price', { offset: 0 }, 20, 'walk'),
      buildCountQuery({ search: '三文鱼' }, 10_000),
    ];
    for (const query of reads) expect(await jitSections(query, setLocalStatements(query.plan)), `${query.plan}: ${query.sql}`).toBe(0);
    expect(new Set(reads.map((q) => q.plan))).toEqual(new Set<ReadPlan>(['indexed', 'collect', 'walk']));
  });

  // With GIN's pending list (fastupdate, PostgreSQL's default) every write of goods — a change
  // of price or stock too, as no update of goods is HOT — adds its grams to an unsorted list
  // that each search through the index reads in full until the next VACUUM.
  it('should put every write straight into the searches\' bigram index, leaving no pending list for a search to read', async () => {
    await t.dataSource.query(`CREATE EXTENSION IF NOT EXISTS pgstattuple`);
    const pending = async () => {
      const [row] = await t.dataSource.query(`SELECT pending_pages, pending_tuples FROM pgstatginindex('goods_name_grams_expr_idx')`);
      return { pages: Number(row.pending_pages), tuples: Number(row.pending_tuples) };
    };
    const [{ reloptions }] = await t.dataSource.query(`SELECT reloptions FROM pg_class WHERE relname = 'goods_name_grams_expr_idx'`);
    expect(reloptions).toEqual(['fastupdate=off']);
    await t.dataSource.query(`UPDATE goods SET price = price + 1, stock = stock + 1 WHERE id IN (SELECT id FROM goods ORDER BY id LIMIT 500)`);
    await t.dataSource.query(`INSERT INTO goods (name, price) SELECT '新疆 Apple ' || i, 9 FROM generate_series(1, 200) AS i`);
    expect(await pending()).toEqual({ pages: 0, tuples: 0 });
    // The stored column's index (read by the previous release only) keeps PostgreSQL's default: the check can see a pending list.
    const [old] = await t.dataSource.query(`SELECT pending_tuples FROM pgstatginindex('goods_name_grams_idx')`);
    expect(Number(old.pending_tuples)).toBeGreaterThan(0);
  });
});
