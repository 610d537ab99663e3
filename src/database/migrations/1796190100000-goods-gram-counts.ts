import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many goods hold each gram of `name_grams` (each character and each pair of adjacent
 * characters of the lower-cased name): the exact count of a search of one or two characters
 * (奶, 苹果, `ab`), which is one gram, without visiting the table.
 *
 * Counting through the bigram index visits every match in the table (a GIN index cannot
 * answer a count alone, and PostgreSQL 15 fetches every page of a bitmap scan): up to 10,000
 * page reads for a term that matches fewer goods than the count cap, on every request, since
 * only "more than the cap" may be remembered. `goods_gram_counts` is not a cache: statement
 * triggers on goods change it in the same transaction as the rows (insert, delete, an update
 * that renames, truncate), so a count read from it is the count of the goods the same
 * snapshot sees.
 * - Each write adds or subtracts, per gram, how many of its rows hold it (read from the
 *   stored `name_grams`, nothing recomputed), in gram order: concurrent writers lock the rows
 *   they share in the same order (no deadlock), and wait for each other's commit on them.
 *   Writes of the catalogue are staff edits, rare next to reads. An update that renames
 *   nothing (price, stock) changes no count.
 * - The backfill reads `name_grams` once, in 16 slices of the ids (each statement well
 *   inside the connection's query timeout): tens of seconds at a million goods.
 */
export class GoodsGramCounts1796190100000 implements MigrationInterface {
  name = 'GoodsGramCounts1796190100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE goods_gram_counts (gram text PRIMARY KEY, goods integer NOT NULL)`);
    await q.query(`
      CREATE FUNCTION goods_gram_counts_apply() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          DELETE FROM goods_gram_counts;
        ELSIF TG_OP = 'INSERT' THEN
          INSERT INTO goods_gram_counts AS c (gram, goods)
          SELECT gram, count(*) FROM new_rows, unnest(name_grams) AS gram GROUP BY gram ORDER BY gram
          ON CONFLICT (gram) DO UPDATE SET goods = c.goods + EXCLUDED.goods;
        ELSIF TG_OP = 'DELETE' THEN
          UPDATE goods_gram_counts AS c SET goods = c.goods - d.n
            FROM (SELECT gram, count(*) AS n FROM old_rows, unnest(name_grams) AS gram GROUP BY gram ORDER BY gram) d
           WHERE c.gram = d.gram;
        ELSE
          WITH renamed AS (
            SELECT o.name_grams AS old_grams, n.name_grams AS new_grams
              FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE n.name_grams IS DISTINCT FROM o.name_grams
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
      $$`);
    await q.query(`CREATE TRIGGER goods_gram_counts_insert AFTER INSERT ON goods REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION goods_gram_counts_apply()`);
    await q.query(`CREATE TRIGGER goods_gram_counts_delete AFTER DELETE ON goods REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION goods_gram_counts_apply()`);
    // (A trigger with transition tables cannot name columns: every update fires it; it compares the grams.)
    await q.query(
      `CREATE TRIGGER goods_gram_counts_update AFTER UPDATE ON goods REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION goods_gram_counts_apply()`,
    );
    await q.query(`CREATE TRIGGER goods_gram_counts_truncate AFTER TRUNCATE ON goods FOR EACH STATEMENT EXECUTE FUNCTION goods_gram_counts_apply()`);
    for (let slice = 0; slice < 16; slice++) {
      const from = `${slice.toString(16)}0000000-0000-0000-0000-000000000000`;
      const to = slice === 15 ? null : `${(slice + 1).toString(16)}0000000-0000-0000-0000-000000000000`;
      await q.query(
        `INSERT INTO goods_gram_counts AS c (gram, goods)
         SELECT gram, count(*) FROM goods, unnest(name_grams) AS gram
          WHERE id >= $1::uuid${to ? ' AND id < $2::uuid' : ''} GROUP BY gram
         ON CONFLICT (gram) DO UPDATE SET goods = c.goods + EXCLUDED.goods`,
        to ? [from, to] : [from],
      );
    }
    await q.query(`ANALYZE goods_gram_counts`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const event of ['insert', 'delete', 'update', 'truncate']) await q.query(`DROP TRIGGER goods_gram_counts_${event} ON goods`);
    await q.query(`DROP FUNCTION goods_gram_counts_apply()`);
    await q.query(`DROP TABLE goods_gram_counts`);
  }
}
