import { MigrationInterface, QueryRunner } from 'typeorm';
import { goodsGramCountsApply, GramsOf } from './1796190300000-goods-gram-price-counts';

/**
 * The bigram index over an expression, `gin (goods_name_grams(name))`, in place of the stored
 * generated column `name_grams` under `gin (name_grams)`. Same index name, same searches.
 *
 * The column held ~300 of a row's ~490 bytes: at a million goods the table was 483 MB, more
 * than PostgreSQL's default 128 MB of shared buffers, so reading a page's rows by id, or
 * collecting a term's matches through the bigram index, went to the OS for most heap pages.
 * Without it the table is ~190 MB. Measured on a copy of the bench catalogue (one query after
 * another, warm), collecting a term's matches took 13–37 % less (新疆 ~100 → 85 ms, `lemon`
 * 15.5 → 9.7 ms). The searches read the index as before: a term's condition is now
 * `goods_name_grams(name) @> goods_search_grams(term)`, which the index answers (GIN's
 * containment needs no recheck of the expression on a row), and where a plan tests it on a
 * row instead (a walk), PostgreSQL tests the cheaper `LIKE` first.
 *
 * What writes pay: the counters' trigger (goods_gram_counts_apply) computes a renamed or
 * repriced row's grams from its names instead of reading them, a few µs per row; an INSERT
 * or a rename computes the grams for the index as it did for the column.
 *
 * Dropping a column does not shrink the table: the old rows keep its bytes until they are
 * rewritten. Run `VACUUM FULL goods` (or pg_repack, without the exclusive lock) once after
 * this migration on a large catalogue (docs/deploying.md). Writers wait while the index
 * builds: ~30 s at a million goods.
 */
export class GoodsNameGramsExpressionIndex1796190400000 implements MigrationInterface {
  name = 'GoodsNameGramsExpressionIndex1796190400000';

  async up(q: QueryRunner): Promise<void> {
    // The triggers of instances still on the old code read the column: writers wait for the commit.
    await q.query(`LOCK TABLE goods IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(goodsGramCountsApply(true, COMPUTED_GRAMS));
    await q.query(`DROP INDEX goods_name_grams_idx`);
    await q.query(`ALTER TABLE goods DROP COLUMN name_grams`);
    await q.query(`CREATE INDEX goods_name_grams_idx ON goods USING gin (goods_name_grams(name))`);
    // What a call costs, that a plan testing it on rows shows at its price: ~70 µs a name,
    // ~250 times a LIKE (PostgreSQL's default for a SQL function is 100).
    await q.query(`ALTER FUNCTION goods_name_grams(text) COST ${NAME_GRAMS_COST}`);
    await q.query(`DELETE FROM typeorm_metadata WHERE "type" = 'GENERATED_COLUMN' AND "table" = 'goods' AND "name" = 'name_grams'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE goods IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`DROP INDEX goods_name_grams_idx`);
    await q.query(`ALTER FUNCTION goods_name_grams(text) COST 100`);
    await q.query(`ALTER TABLE goods ADD COLUMN name_grams text[] GENERATED ALWAYS AS (goods_name_grams(name)) STORED`);
    await q.query(`CREATE INDEX goods_name_grams_idx ON goods USING gin (name_grams)`);
    await q.query(goodsGramCountsApply(true));
    await q.query(
      `INSERT INTO typeorm_metadata ("type", "database", "schema", "table", "name", "value") VALUES ('GENERATED_COLUMN', current_database(), current_schema(), 'goods', 'name_grams', 'goods_name_grams(name)')`,
    );
  }
}

const NAME_GRAMS_COST = 250;

/** A row's bigrams and unigrams, from its name. */
const COMPUTED_GRAMS: GramsOf = (prefix) => `goods_name_grams(${prefix}name)`;
