import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two more things a search reads without visiting the table.
 *
 * 1. `goods_gram_counts` also counts, for each goods, the substrings of three to five
 *    characters of each run of ASCII letters and digits in its lower-cased name
 *    (`goods_word_grams`: `family size milk 250ml` → `fam`, `fami`, …, `milk`, `250ml`): the
 *    English and number fragments people type (`choc`, `ana`, `lemon`). A term of 3–5 letters
 *    and digits lies inside one such run wherever it occurs, so its count is exact, like that
 *    of a one- or two-character term (1796190100000-goods-gram-counts.ts). The triggers' function
 *    adds them (~30 µs per row written); an update compares names. The backfill reads every
 *    name once, in 16 slices of the ids (each statement well inside the connection's query
 *    timeout): about a minute at a million goods.
 * 2. `(category, created_at, id) INCLUDE (name, price)` in place of `(category, created_at,
 *    id)`, and `(category, price, id) INCLUDE (name)` in place of `(category, price, id)`: a
 *    search in a category (and a price range) walks the first for its page and scans the second
 *    for its count, testing each entry's name and price in the index alone (index-only scans,
 *    on a vacuumed table). Same names and orderings as before; about 80 MB more at a million
 *    goods. Plain `CREATE INDEX`: writes to goods wait while they build.
 */
export class GoodsWordGramCounts1796190200000 implements MigrationInterface {
  name = 'GoodsWordGramCounts1796190200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION goods_word_grams(name text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT substr(run.w, i, l)), ARRAY[]::text[])
          FROM regexp_matches(lower(name), '[a-z0-9]{3,}', 'g') AS m(a), LATERAL (SELECT m.a[1] AS w) run,
               generate_series(3, 5) AS l, generate_series(1, char_length(run.w) - l + 1) AS i
      $$`);
    await q.query(GRAM_COUNTS_APPLY('name_grams || goods_word_grams(name)', 'o.name_grams || goods_word_grams(o.name)', 'n.name_grams || goods_word_grams(n.name)', 'n.name IS DISTINCT FROM o.name'));
    for (let slice = 0; slice < 16; slice++) {
      const from = `${slice.toString(16)}0000000-0000-0000-0000-000000000000`;
      const to = slice === 15 ? null : `${(slice + 1).toString(16)}0000000-0000-0000-0000-000000000000`;
      await q.query(
        `INSERT INTO goods_gram_counts AS c (gram, goods)
         SELECT gram, count(*) FROM goods, unnest(goods_word_grams(name)) AS gram
          WHERE id >= $1::uuid${to ? ' AND id < $2::uuid' : ''} GROUP BY gram
         ON CONFLICT (gram) DO UPDATE SET goods = c.goods + EXCLUDED.goods`,
        to ? [from, to] : [from],
      );
    }
    await q.query(`ANALYZE goods_gram_counts`);
    await q.query(`DROP INDEX goods_category_created_at_idx`);
    await q.query(`CREATE INDEX goods_category_created_at_idx ON goods (category, created_at, id) INCLUDE (name, price)`);
    await q.query(`DROP INDEX goods_category_price_idx`);
    await q.query(`CREATE INDEX goods_category_price_idx ON goods (category, price, id) INCLUDE (name)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX goods_category_price_idx`);
    await q.query(`CREATE INDEX goods_category_price_idx ON goods (category, price, id)`);
    await q.query(`DROP INDEX goods_category_created_at_idx`);
    await q.query(`CREATE INDEX goods_category_created_at_idx ON goods (category, created_at, id)`);
    await q.query(GRAM_COUNTS_APPLY('name_grams', 'o.name_grams', 'n.name_grams', 'n.name_grams IS DISTINCT FROM o.name_grams'));
    await q.query(`DELETE FROM goods_gram_counts WHERE char_length(gram) > 2`);
    await q.query(`DROP FUNCTION goods_word_grams(text)`);
  }
}

/** goods_gram_counts_apply() counting `grams` of each row (`oldGrams`/`newGrams` of a renamed one; `renamed` tells one). */
const GRAM_COUNTS_APPLY = (grams: string, oldGrams: string, newGrams: string, renamed: string) => `
  CREATE OR REPLACE FUNCTION goods_gram_counts_apply() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'TRUNCATE' THEN
      DELETE FROM goods_gram_counts;
    ELSIF TG_OP = 'INSERT' THEN
      INSERT INTO goods_gram_counts AS c (gram, goods)
      SELECT gram, count(*) FROM new_rows, unnest(${grams}) AS gram GROUP BY gram ORDER BY gram
      ON CONFLICT (gram) DO UPDATE SET goods = c.goods + EXCLUDED.goods;
    ELSIF TG_OP = 'DELETE' THEN
      UPDATE goods_gram_counts AS c SET goods = c.goods - d.n
        FROM (SELECT gram, count(*) AS n FROM old_rows, unnest(${grams}) AS gram GROUP BY gram ORDER BY gram) d
       WHERE c.gram = d.gram;
    ELSE
      WITH renamed AS (
        SELECT ${oldGrams} AS old_grams, ${newGrams} AS new_grams
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE ${renamed}
      )
      INSERT INTO goods_gram_counts AS c (gram, goods)
      SELECT gram, sum(delta) FROM (
        SELECT gram, 1 AS delta FROM renamed, unnest(new_grams) AS gram
        UNION ALL
        SELECT gram, -1 FROM renamed, unnest(old_grams) AS gram
      ) d GROUP BY gram HAVING sum(delta) <> 0 ORDER BY gram
      ON CONFLICT (gram) DO UPDATE SET goods = c.goods + EXCLUDED.goods;
    END IF;
    RETURN NULL;
  END
  $$`;
