import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many goods of each category hold each counted gram, per price bucket: the count of a
 * search in a category and a price range (`search=奶&category=乳品&minPrice=5&maxPrice=105`)
 * without reading the category's whole price range.
 *
 * Before, that count scanned `(category, price, id) INCLUDE (name)` over the range, testing
 * each entry's name: up to ~140,000 entries (a whole category) for a term that matches a few
 * thousand goods in it, 30–200 ms, on every request (an exact total below the cap is never
 * remembered). Now, for a term `goods_gram_counts` counts (one or two characters, or three to
 * five ASCII letters and digits), the buckets that lie wholly inside the range are summed from
 * `goods_gram_price_counts`, and only the goods of the (at most two) buckets the range cuts
 * are read in that index — from whichever side of the cut is narrower (the bucket's count
 * minus the other side).
 *
 * - Buckets (`goods_price_bucket`): whole yuan, one significant digit: [0, 1), [1, 2) … [9, 10),
 *   [10, 20) … [90, 100), [100, 200) … — nine a decade, so a range whose bounds are round
 *   numbers (5, 20, 50, 100, 500) cuts none, and a cut costs a part of one bucket.
 * - Kept exact like goods_gram_counts, by the same statement triggers in the writer's
 *   transaction (insert, delete, truncate; an update that renames, moves to another category
 *   or into another price bucket), so a count read from it is that of the goods the same
 *   snapshot sees. Goods without a category are not counted (a category filter never matches
 *   them). Counters are changed in (gram, category, bucket) order, one statement per table, so
 *   concurrent writers lock shared rows in the same order (no deadlock) and wait for each
 *   other's commit on them. A reprice into another bucket now updates two counters per gram
 *   of the name (~40–50 rows): a PATCH of the price costs ~3.5 ms more database time.
 * - A write of many goods at once aggregates ~16 grams per goods in memory: the function runs
 *   with `work_mem = 64MB` (a sort of 100,000 goods' grams no longer spills to disk); a write of
 *   a few goods uses a few kB of it. Inserting 100,000 goods in one statement costs ~4 s more
 *   than before (the 3–5-letter grams are computed for both tables).
 * - Grams that start or end with a space are left out: a search term is trimmed, so it is never
 *   one of them (goods-sql.ts counts such a term by reading the range).
 * - The backfill reads every name once: 80–150 s and ~400,000 rows (43 MB) at a million goods,
 *   holding writes to goods meanwhile (reads go on).
 */
export class GoodsGramPriceCounts1796190300000 implements MigrationInterface {
  name = 'GoodsGramPriceCounts1796190300000';

  async up(q: QueryRunner): Promise<void> {
    // Writers wait until the backfill commits (reads go on): the instances still running the
    // old trigger body would otherwise write goods the backfill's snapshot never sees, and
    // their counters would stay wrong for good.
    await q.query(`LOCK TABLE goods IN SHARE ROW EXCLUSIVE MODE`);
    // One expression, so PostgreSQL inlines it (called once per gram of every goods written).
    await q.query(`
      CREATE FUNCTION goods_price_bucket(price numeric) RETURNS bigint
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT trunc(price)::bigint / (10::numeric ^ (length(trunc(price)::bigint::text) - 1))::bigint
                                    * (10::numeric ^ (length(trunc(price)::bigint::text) - 1))::bigint
      $$`);
    await q.query(`
      CREATE TABLE goods_gram_price_counts (
        gram text NOT NULL,
        category varchar(50) NOT NULL,
        bucket bigint NOT NULL,
        goods integer NOT NULL,
        PRIMARY KEY (gram, category, bucket)
      )`);
    await q.query(APPLY_WITH_PRICE_COUNTS);
    await q.query(`SET LOCAL work_mem = '256MB'`);
    await q.query(`
      INSERT INTO goods_gram_price_counts (gram, category, bucket, goods)
      SELECT gram, category, b.bucket, count(*)
        FROM goods, LATERAL (SELECT goods_price_bucket(goods.price) AS bucket OFFSET 0) b, unnest(name_grams || goods_word_grams(name)) AS gram
       WHERE category IS NOT NULL AND ${SEARCHABLE}
       GROUP BY 1, 2, 3`);
    await q.query(`ANALYZE goods_gram_price_counts`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(APPLY_WITHOUT_PRICE_COUNTS);
    await q.query(`DROP TABLE goods_gram_price_counts`);
    await q.query(`DROP FUNCTION goods_price_bucket(numeric)`);
  }
}

/**
 * The grams a search in a category can ask for: a term is trimmed (GoodsService), so one of one
 * or two characters never starts or ends with a space, and ' ', 'x ', ' x' are never looked up —
 * about a fifth of a name's grams, and the most shared counters (' ' in every category and bucket).
 */
const SEARCHABLE = `gram !~ '^ | $'`;

/** Each goods' counted grams: `grams` and `name` name the row's columns. */
const counted = (grams: string, name: string) => `${grams} || goods_word_grams(${name})`;

/** goods_gram_counts_apply() as 1796190200000 left it, and the part this migration adds (`withPriceCounts`). */
const apply = (withPriceCounts: boolean) => `
  CREATE OR REPLACE FUNCTION goods_gram_counts_apply() RETURNS trigger
  LANGUAGE plpgsql${withPriceCounts ? ` SET work_mem = '64MB'` : ''} AS $$
  BEGIN
    IF TG_OP = 'TRUNCATE' THEN
      DELETE FROM goods_gram_counts;${withPriceCounts ? `
      DELETE FROM goods_gram_price_counts;` : ''}
    ELSIF TG_OP = 'INSERT' THEN
      INSERT INTO goods_gram_counts AS c (gram, goods)
      SELECT gram, count(*) FROM new_rows, unnest(${counted('name_grams', 'name')}) AS gram GROUP BY gram ORDER BY gram
      ON CONFLICT (gram) DO UPDATE SET goods = c.goods + EXCLUDED.goods;${withPriceCounts ? `
      WITH r AS MATERIALIZED (SELECT ${counted('name_grams', 'name')} AS grams, category, goods_price_bucket(price) AS bucket FROM new_rows WHERE category IS NOT NULL)
      INSERT INTO goods_gram_price_counts AS c (gram, category, bucket, goods)
      SELECT gram, category, bucket, count(*) FROM r, unnest(r.grams) AS gram WHERE ${SEARCHABLE} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (gram, category, bucket) DO UPDATE SET goods = c.goods + EXCLUDED.goods;` : ''}
    ELSIF TG_OP = 'DELETE' THEN
      UPDATE goods_gram_counts AS c SET goods = c.goods - d.n
        FROM (SELECT gram, count(*) AS n FROM old_rows, unnest(${counted('name_grams', 'name')}) AS gram GROUP BY gram ORDER BY gram) d
       WHERE c.gram = d.gram;${withPriceCounts ? `
      WITH r AS MATERIALIZED (SELECT ${counted('name_grams', 'name')} AS grams, category, goods_price_bucket(price) AS bucket FROM old_rows WHERE category IS NOT NULL)
      INSERT INTO goods_gram_price_counts AS c (gram, category, bucket, goods)
      SELECT gram, category, bucket, -count(*) FROM r, unnest(r.grams) AS gram WHERE ${SEARCHABLE} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (gram, category, bucket) DO UPDATE SET goods = c.goods + EXCLUDED.goods;` : ''}
    ELSE
      WITH renamed AS (
        SELECT ${counted('o.name_grams', 'o.name')} AS old_grams, ${counted('n.name_grams', 'n.name')} AS new_grams
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE n.name IS DISTINCT FROM o.name
      )
      INSERT INTO goods_gram_counts AS c (gram, goods)
      SELECT gram, sum(delta) FROM (
        SELECT gram, 1 AS delta FROM renamed, unnest(new_grams) AS gram
        UNION ALL
        SELECT gram, -1 FROM renamed, unnest(old_grams) AS gram
      ) d GROUP BY gram HAVING sum(delta) <> 0 ORDER BY gram
      ON CONFLICT (gram) DO UPDATE SET goods = c.goods + EXCLUDED.goods;${withPriceCounts ? `
      WITH moved AS MATERIALIZED (
        SELECT o.name AS old_name, o.name_grams AS old_grams, o.category AS old_category, goods_price_bucket(o.price) AS old_bucket,
               n.name AS new_name, n.name_grams AS new_grams, n.category AS new_category, goods_price_bucket(n.price) AS new_bucket
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE n.name IS DISTINCT FROM o.name OR n.category IS DISTINCT FROM o.category OR goods_price_bucket(n.price) <> goods_price_bucket(o.price)
      )
      INSERT INTO goods_gram_price_counts AS c (gram, category, bucket, goods)
      SELECT gram, category, bucket, sum(delta) FROM (
        SELECT gram, new_category AS category, new_bucket AS bucket, 1 AS delta
          FROM moved, unnest(${counted('new_grams', 'new_name')}) AS gram WHERE new_category IS NOT NULL AND ${SEARCHABLE}
        UNION ALL
        SELECT gram, old_category, old_bucket, -1
          FROM moved, unnest(${counted('old_grams', 'old_name')}) AS gram WHERE old_category IS NOT NULL AND ${SEARCHABLE}
      ) d GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
      ON CONFLICT (gram, category, bucket) DO UPDATE SET goods = c.goods + EXCLUDED.goods;` : ''}
    END IF;
    RETURN NULL;
  END
  $$`;

const APPLY_WITH_PRICE_COUNTS = apply(true);
const APPLY_WITHOUT_PRICE_COUNTS = apply(false);
