import { describe, expect, it } from 'vitest';
import type { GoodsOrdering } from './dto/list-goods.query';
import type { GoodsFilter, PagePosition } from './goods-cursor';
import { buildCountQuery, buildListQuery, chooseReadPlan, isCountedGram, isSingleGram, priceBucket, pricePartition, ReadPlan, WALK_BUDGET } from './goods-sql';

const FIRST: PagePosition = { offset: 0 };
const CURSOR: PagePosition = { after: { value: '2026-01-01T00:00:00.000000Z', id: '00000000-0000-4000-8000-000000000000' } };

/** The plan read for a filter, ordering and position, when its count is (over) the cap or not. */
function planOf(filter: GoodsFilter, ordering: GoodsOrdering, position: PagePosition, overCap: boolean): ReadPlan {
  return chooseReadPlan(filter, ordering, position).plan(overCap);
}

describe('goods SQL', () => {
  describe('prepared statements', () => {
    it('should prepare the reads with no filter (pages, cursor walk, total) and nothing filtered or searched', () => {
      for (const ordering of ['-createdAt', 'price', 'name'] as const) {
        for (const position of [FIRST, { offset: 400 }, CURSOR]) {
          const label = `${ordering} ${JSON.stringify(position)}`;
          expect(buildListQuery({}, ordering, position, 21).prepare, label).toBe(true);
          for (const filter of [{ search: '奶' }, { search: 'milk' }, { category: '乳品' }, { onSale: true }, { minPrice: '1' }, { search: 'tea', category: '饮料', maxPrice: '9' }] as GoodsFilter[]) {
            expect(buildListQuery(filter, ordering, position, 21).prepare ?? false, `${label} ${JSON.stringify(filter)}`).toBe(false);
            expect(buildCountQuery(filter, 10_001).prepare ?? false, JSON.stringify(filter)).toBe(false);
          }
        }
      }
      expect(buildCountQuery({}, 10_001).prepare).toBe(true);
    });
  });

  describe(chooseReadPlan.name, () => {
    it('should read a page of a search alone by createdAt in one statement that walks, then collects, without waiting for the count', () => {
      for (const search of ['奶', '苹果', '三文鱼', 'choc']) {
        for (const ordering of ['-createdAt', 'createdAt'] as const) {
          for (const position of [FIRST, { offset: 1000 }, CURSOR]) {
            const label = `${search} ${ordering} ${JSON.stringify(position)}`;
            expect(chooseReadPlan({ search }, ordering, position).dependsOnCount, label).toBe(false);
            for (const overCap of [true, false]) expect(planOf({ search }, ordering, position, overCap), label).toBe('indexed');
            const query = buildListQuery({ search }, ordering, position, 21);
            expect(query.sql, label).toMatch(/^WITH walked AS MATERIALIZED .* matched AS MATERIALIZED .* picked AS /);
            expect(query.params, label).toContain(WALK_BUDGET.createdAt);
            expect(query.plan, label).toBe('indexed');
          }
        }
      }
    });

    it('should read a counted term by name in one statement that finds its count in goods_gram_counts', () => {
      for (const search of ['奶', '苹果', 'milk', 'Lemon']) {
        for (const ordering of ['name', '-name'] as const) {
          const label = `${search} ${ordering}`;
          expect(chooseReadPlan({ search }, ordering, FIRST).dependsOnCount, label).toBe(false);
          for (const overCap of [true, false]) expect(planOf({ search }, ordering, FIRST, overCap), label).toBe('indexed');
          const query = buildListQuery({ search }, ordering, FIRST, 21);
          expect(query.sql, label).toMatch(/^WITH walked AS MATERIALIZED .*LIMIT \(SELECT CASE WHEN coalesce\(\(SELECT goods FROM goods_gram_counts WHERE gram = lower\(\$\d+\)/);
          expect(query.params, label).toContain(WALK_BUDGET.nameOverCap);
          expect(query.plan, label).toBe('indexed');
        }
      }
      // By createdAt too: walked when dense enough, else collected; nothing collected when nothing matches.
      const query = buildListQuery({ search: 'mint' }, '-createdAt', FIRST, 21);
      expect(query.sql).toMatch(/THEN \$\d+::int ELSE 0 END\)/);
      expect(query.sql).toMatch(/matched AS MATERIALIZED \(.* AND coalesce\(\(SELECT goods FROM goods_gram_counts .*\), 0\) > 0\)/);
    });

    it('should count another search alone by name first, walk it when over the cap and collect it when not', () => {
      for (const search of ['三文鱼', 'chocolate', 'a b']) {
        for (const ordering of ['name', '-name'] as const) {
          const label = `${search} ${ordering}`;
          expect(chooseReadPlan({ search }, ordering, FIRST).dependsOnCount, label).toBe(true);
          expect(planOf({ search }, ordering, FIRST, true), label).toBe('walk');
          expect(planOf({ search }, ordering, FIRST, false), label).toBe('collect');
          const walked = buildListQuery({ search }, ordering, FIRST, 21, 'walk');
          expect(walked.sql, label).toMatch(/^WITH walked AS MATERIALIZED /);
          expect(walked.params, label).toContain(WALK_BUDGET.nameOverCap);
          expect(walked.plan, label).toBe('indexed');
          // Under the cap: collected; bench/app-sql.ts's planAfterCount says `indexed` for it, which reads the same.
          for (const plan of ['collect', 'indexed'] as const) {
            const collected = buildListQuery({ search }, ordering, FIRST, 21, plan);
            expect(collected.sql, label).toMatch(/^WITH matched AS MATERIALIZED /);
            expect(collected.sql, label).not.toContain('walked');
            expect(collected.plan, label).toBe('collect');
          }
        }
      }
    });

    it('should walk the ordering index for a multi-gram search over the cap near the start of the list by price or stock, and count it first', () => {
      for (const position of [FIRST, { offset: 1000 }, CURSOR]) {
        expect(chooseReadPlan({ search: '三文鱼' }, '-price', position).dependsOnCount, JSON.stringify(position)).toBe(true);
        expect(planOf({ search: '三文鱼' }, '-price', position, true)).toBe('walk');
        expect(planOf({ search: '三文鱼' }, 'stock', position, true)).toBe('walk');
        expect(planOf({ search: '三文鱼' }, '-price', position, false)).toBe('indexed');
        // With another filter, by createdAt too.
        expect(planOf({ search: '三文鱼', onSale: true }, '-createdAt', position, true)).toBe('walk');
      }
    });

    it('should read a deep page of a multi-gram search by index, without waiting for the count', () => {
      expect(chooseReadPlan({ search: '三文鱼' }, '-createdAt', { offset: 1980 }).dependsOnCount).toBe(false);
      expect(planOf({ search: '三文鱼' }, '-createdAt', { offset: 1980 }, true)).toBe('indexed');
    });

    it('should read a search the planner can size (one gram, or narrowed by category) by index', () => {
      for (const filter of [{ search: '苹果' }, { search: '奶' }, { search: 'ab' }, { search: '三文鱼', category: '水产' }]) {
        expect(chooseReadPlan(filter, '-createdAt', FIRST).dependsOnCount, JSON.stringify(filter)).toBe(false);
        expect(planOf(filter, '-createdAt', FIRST, true), JSON.stringify(filter)).toBe('indexed');
      }
    });

    it('should collect and sort the matches of a search ordered by name with other filters', () => {
      for (const filter of [{ search: '奶', onSale: true }, { search: '三文鱼', category: '水产' }]) {
        for (const ordering of ['name', '-name'] as const) {
          expect(chooseReadPlan(filter, ordering, FIRST).dependsOnCount, `${JSON.stringify(filter)} ${ordering}`).toBe(false);
          for (const overCap of [true, false]) expect(planOf(filter, ordering, FIRST, overCap), `${JSON.stringify(filter)} ${ordering}`).toBe('collect');
        }
      }
    });

    it('should read everything that is not a search by index', () => {
      for (const [filter, ordering] of [
        [{}, '-createdAt'],
        [{ onSale: false }, '-name'],
        [{ category: '乳品' }, 'price'],
        [{ minPrice: '1', maxPrice: '2' }, 'stock'],
      ] as [GoodsFilter, GoodsOrdering][]) {
        expect(chooseReadPlan(filter, ordering, FIRST).dependsOnCount).toBe(false);
        expect(planOf(filter, ordering, FIRST, true), `${JSON.stringify(filter)} ${ordering}`).toBe('indexed');
      }
    });
  });

  describe(isSingleGram.name, () => {
    it('should tell one gram of name_grams from a longer term', () => {
      expect(['奶', '苹果', 'ab', 'A'].map(isSingleGram)).toEqual([true, true, true, true]);
      expect(['三文鱼', 'abc'].map(isSingleGram)).toEqual([false, false]);
      // İ lower-cases to two code points: not one gram.
      expect(isSingleGram('İx')).toBe(false);
    });
  });

  describe(isCountedGram.name, () => {
    it('should tell the terms goods_gram_counts counts', () => {
      expect(['奶', '苹果', 'ab', 'A', 'ana', 'Milk', '250ml', '12345'].map(isCountedGram)).toEqual(Array(8).fill(true));
      expect(['三文鱼', 'lemons', 'a b', 'a_b', 'İx', 'café'].map(isCountedGram)).toEqual(Array(6).fill(false));
    });
  });

  describe(buildListQuery.name, () => {
    it('should bind every value, escape LIKE patterns and run under the plan settings', () => {
      const query = buildListQuery({ search: '10%_', category: "x'; DROP TABLE goods;--" }, '-price', { offset: 40 }, 21, 'walk');
      expect(query.sql).not.toContain('DROP');
      expect(query.params).toEqual(['10%_', '10\\%\\_', "x'; DROP TABLE goods;--", 21, 40]);
      expect(query.sql).toMatch(/ORDER BY goods\.price DESC, goods\.id DESC LIMIT \$4 OFFSET \$5$/);
      expect(query.plan).toBe('walk');
    });

    it('should skip the rows before an offset page in the ordering index alone, then read the page by id', () => {
      for (const filter of [{}, { category: '乳品' }, { onSale: false }] as GoodsFilter[]) {
        const query = buildListQuery(filter, '-createdAt', { offset: 980 }, 21);
        expect(query.sql, JSON.stringify(filter)).toMatch(
          /FROM goods JOIN \(SELECT id FROM goods( WHERE [^)]*)? ORDER BY created_at DESC, id DESC LIMIT \$\d+ OFFSET \$\d+\) page USING \(id\) ORDER BY goods\.created_at DESC, goods\.id DESC$/,
        );
        expect(query.params.slice(-2)).toEqual([21, 980]);
      }
      // The first page, and filters the index cannot test, read the table directly.
      expect(buildListQuery({}, '-createdAt', FIRST, 21).sql).not.toContain('JOIN');
      expect(buildListQuery({ minPrice: '1' }, '-createdAt', { offset: 980 }, 21).sql).not.toContain('JOIN');
      expect(buildListQuery({ category: '乳品', onSale: true }, '-createdAt', { offset: 980 }, 21).sql).not.toContain('JOIN');
    });

    it('should test a term of Han characters, digits and spaces without lower-casing every name', () => {
      expect(buildListQuery({ search: '牛奶 2' }, '-createdAt', FIRST, 21).sql).toContain(`w WHERE name LIKE '%' || $`);
      for (const search of ['Milk 牛奶', 'İ奶', 'café']) {
        expect(buildListQuery({ search }, '-createdAt', FIRST, 21).sql, search).toContain(`w WHERE lower(name) LIKE '%' || lower($`);
      }
      // ASCII: lower-cased by the C rules (A–Z only) unless the name holds a character lower-cased into ASCII.
      for (const search of ['milk', 'PORK', "lay's 70g"]) {
        expect(buildListQuery({ search }, '-createdAt', FIRST, 21).sql, search).toMatch(
          /w WHERE \(lower\(name COLLATE "C"\) LIKE '%' \|\| lower\(\$\d+\) \|\| '%' OR \(\(name LIKE '%\u0130%' OR name LIKE '%\u212a%'\) AND lower\(name\) LIKE /,
        );
      }
    });

    it('should start a cursor page right after its keyset', () => {
      const query = buildListQuery({}, 'createdAt', CURSOR, 21);
      expect(query.sql).toContain('(created_at, id) > ($1::timestamptz, $2::uuid)');
      expect(query.params).toEqual([CURSOR.after!.value, CURSOR.after!.id, 21]);
      expect(query.plan).toBe('indexed');
    });
  });

  describe(buildCountQuery.name, () => {
    it('should count up to the cap only', () => {
      const query = buildCountQuery({ onSale: true }, 10_001);
      expect(query.sql).toMatch(/LIMIT \$2::int\) capped$/);
      expect(query.params).toEqual([true, 10_001]);
    });

    it('should read the count of a search alone from goods_gram_counts when PostgreSQL finds it one gram, else count up to the cap', () => {
      for (const search of ['奶', 'milk', '三文鱼', '新鲜苹果 5号']) {
        const query = buildCountQuery({ search }, 10_001);
        expect(query.sql, search).toMatch(/^SELECT \(CASE WHEN \(char_length\(lower\(\$1\)\) <= 2 OR lower\(\$1\) ~ '\^\[a-z0-9\]\{3,5\}\$'\) THEN .*goods_gram_counts WHERE gram = lower\(\$1\).* ELSE \(SELECT count\(\*\) FROM .*LIMIT \$\d::int\) capped\) END\)::int AS n$/);
        expect(query.params[0], search).toBe(search);
      }
      // With any other filter: counted.
      expect(buildCountQuery({ search: '奶', category: '乳品' }, 10_001).sql).not.toContain('goods_gram_counts');
      expect(buildCountQuery({ search: '奶', onSale: false }, 10_001).sql).not.toContain('goods_gram_counts');
    });

    it('should count a counted term in a category from its whole price buckets and the buckets the range cuts, another term in the range', () => {
      for (const search of ['奶', '牛奶', 'milk', 'Tea']) {
        const query = buildCountQuery({ search, category: '乳品', minPrice: '5', maxPrice: '105' }, 10_001);
        expect(query.plan, search).toBe('walk');
        expect(query.sql, search).toMatch(/^SELECT \(CASE WHEN \(char_length\(lower\(\$\d+\)\) <= 2 .* THEN \(SELECT CASE WHEN w\.n >= /);
        expect(query.sql, search).toContain('FROM goods_gram_price_counts WHERE gram = lower(');
        // Buckets 5 to 99 whole; 100.00–105.00 read in the index.
        expect(query.params, search).toEqual(expect.arrayContaining([5, 100, '100.00', '105.01']));
      }
      for (const search of ['三文鱼', 'chocolate', 'a b', ' 奶', 'k ']) {
        const query = buildCountQuery({ search, category: '乳品', minPrice: '5' }, 10_001);
        expect(query.sql, search).not.toContain('goods_gram_price_counts');
        expect(query.sql, search).toMatch(/^SELECT count\(\*\)::int AS n FROM \(SELECT 1 FROM goods WHERE category = \$1 .*LIMIT \$\d::int\) capped$/);
      }
    });
  });

  describe(pricePartition.name, () => {
    it('should put each yuan in the bucket of its first significant digit', () => {
      const buckets = [0, 1, 9, 10, 19, 99, 100, 105, 999, 1000, 9_999_999_999].map((yuan) => priceBucket(yuan));
      expect(buckets).toEqual([
        { start: 0, width: 1 }, { start: 1, width: 1 }, { start: 9, width: 1 }, { start: 10, width: 10 }, { start: 10, width: 10 }, { start: 90, width: 10 },
        { start: 100, width: 100 }, { start: 100, width: 100 }, { start: 900, width: 100 }, { start: 1000, width: 1000 }, { start: 9_000_000_000, width: 1_000_000_000 },
      ]);
    });

    it('should cover exactly the range with whole buckets and cuts, each cut read from its narrower side', () => {
      expect(pricePartition(undefined, undefined)).toEqual({ whole: { from: 0, to: null }, cuts: [] });
      expect(pricePartition('5', '99.99')).toEqual({ whole: { from: 5, to: 100 }, cuts: [] });
      expect(pricePartition('5', '105')).toEqual({ whole: { from: 5, to: 100 }, cuts: [{ scan: { from: 10000, to: 10501 } }] });
      expect(pricePartition('20', '25')).toEqual({ whole: null, cuts: [{ bucket: 20, minus: [{ from: 2501, to: 3000 }] }] });
      expect(pricePartition('10.5', '10.7')).toEqual({ whole: null, cuts: [{ scan: { from: 1050, to: 1071 } }] });
      expect(pricePartition('12', '18')).toEqual({ whole: null, cuts: [{ bucket: 10, minus: [{ from: 1000, to: 1200 }, { from: 1801, to: 2000 }] }] });
      expect(pricePartition('150', '250')).toEqual({ whole: null, cuts: [{ scan: { from: 15000, to: 20000 } }, { bucket: 200, minus: [{ from: 25001, to: 30000 }] }] });
      expect(pricePartition('99', undefined)).toEqual({ whole: { from: 100, to: null }, cuts: [{ scan: { from: 9900, to: 10000 } }] });
      expect(pricePartition('0.01', '99999999.99')).toEqual({ whole: { from: 1, to: 100_000_000 }, cuts: [{ bucket: 0, minus: [{ from: 0, to: 1 }] }] });
    });
  });
});
