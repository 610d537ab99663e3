import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A bigram index over an expression, `gin (goods_name_grams(name))`, beside the one over the
 * stored generated column `name_grams`: the first half (expand) of replacing the column.
 *
 * The column holds ~300 of a row's ~490 bytes: at a million goods the table is 483 MB, more
 * than PostgreSQL's default 128 MB of shared buffers. Without it the table is 189 MB, and
 * PostgreSQL's work for a search by name fell by a sixth, its p99 by half (measured on the
 * bench catalogue, docs/performance.md). This release's code searches through this index
 * (`goods_name_grams(name) @> goods_search_grams(term)`); the column, its index and the
 * counters' trigger that reads it stay, because during a rolling release the previous
 * version's instances still search `name_grams` (docs/deploying.md: a column is dropped only
 * in a later release, once no instance reads it). The next release drops them; until then
 * every write of a name maintains both indexes and computes the grams twice (~70 µs each).
 *
 * Computing a name's grams costs ~70 µs (~250 times a LIKE), so the function is declared at
 * that cost: with PostgreSQL's default (100) the planner chose to walk `(created_at, id)
 * INCLUDE (name)` testing the expression on every entry rather than use this index.
 * GIN's containment needs no recheck, so collecting matches through the index never computes it.
 *
 * Writers wait while the index builds: about 2 minutes at a million goods (measured twice: 1:53, 2:00).
 */
export class GoodsNameGramsExpressionIndex1796190400000 implements MigrationInterface {
  name = 'GoodsNameGramsExpressionIndex1796190400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION goods_name_grams(text) COST ${NAME_GRAMS_COST}`);
    await q.query(`CREATE INDEX goods_name_grams_expr_idx ON goods USING gin (goods_name_grams(name))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX goods_name_grams_expr_idx`);
    await q.query(`ALTER FUNCTION goods_name_grams(text) COST 100`);
  }
}

/** ~70 µs a name, in PostgreSQL's cost units (a LIKE is 1). */
const NAME_GRAMS_COST = 250;
