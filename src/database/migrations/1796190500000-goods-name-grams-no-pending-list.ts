import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The searches' bigram index without GIN's pending list (`fastupdate = off`).
 *
 * With `fastupdate` on (PostgreSQL's default), a new or updated row's grams go to an unsorted
 * list, which every search through the index reads in full, until VACUUM, autovacuum's
 * ANALYZE or the list reaching `gin_pending_list_limit` (4 MB) moves it into the index. Any
 * UPDATE of goods adds to it, a change of price or stock too (price is in an index, so no
 * update of goods is HOT): a busy shop's searches read up to 4 MB more each. On the bench
 * catalogue, 94 pages of pending entries (two bench runs' PATCHes) made a search collecting
 * `lemon` through the index take 4.8–5.2 ms instead of 3.1–3.2 (docs/performance.md).
 *
 * Without it each write puts its grams into the index itself: a reprice cost PostgreSQL
 * ~0.3 ms more (measured with both bigram indexes off). A catalogue is read far more often
 * than it is written, and a search's time no longer depends on how long ago the last VACUUM
 * ran. The stored column's index (`goods_name_grams_idx`, read only by the previous release's
 * instances, and dropped in the next) keeps its pending list.
 *
 * The change locks the index (ACCESS EXCLUSIVE on the index, not the table) until the
 * migration commits, right after the entries already pending are moved into the index, as a
 * writer reaching the limit would: statements on goods, which plan with every index, wait
 * that moment (at most the time of one 4 MB cleanup).
 */
export class GoodsNameGramsNoPendingList1796190500000 implements MigrationInterface {
  name = 'GoodsNameGramsNoPendingList1796190500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX goods_name_grams_expr_idx SET (fastupdate = off)`);
    await q.query(`SELECT gin_clean_pending_list('goods_name_grams_expr_idx'::regclass)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX goods_name_grams_expr_idx RESET (fastupdate)`);
  }
}
