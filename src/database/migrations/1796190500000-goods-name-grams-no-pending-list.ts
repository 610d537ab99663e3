import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The searches' bigram index without GIN's pending list (`fastupdate = off`).
 *
 * With `fastupdate` on (PostgreSQL's default), a new or updated row's grams go to an unsorted
 * list, which every search through the index reads in full, until VACUUM, autovacuum's
 * ANALYZE or the list reaching `gin_pending_list_limit` (4 MB) moves it into the index. Any
 * UPDATE of goods adds to it, a change of price or stock too (price is in an index, so no
 * update of goods is HOT): a busy shop's searches read up to 4 MB more each. On the bench
 * catalogue, 324 pending pages (a few thousand updates) made the English searches' mean
 * 4.76 ms instead of 4.05 and their p99 12.6 instead of 8.5 (docs/performance.md).
 *
 * Without it each write puts its grams into the index itself: a reprice cost PostgreSQL
 * ~0.3 ms more (measured with both bigram indexes off). A catalogue is read far more often
 * than it is written, and a search's time no longer depends on how long ago the last VACUUM
 * ran. The stored column's index (`goods_name_grams_idx`, read only by the previous release's
 * instances, and dropped in the next) keeps its pending list.
 *
 * Locks, on a live database: changing the setting takes an ACCESS EXCLUSIVE lock on the index
 * (not the table) until the migration commits, and every statement on goods plans with all
 * its indexes, so it would wait behind the ALTER, which itself waits for every open
 * transaction that touched goods. So the pending entries are first moved into the index
 * under the cleanup's own light lock; the ALTER then waits at most LOCK_TIMEOUT for its lock
 * (statements on goods queue behind it that long at worst), is retried a few times if it
 * does not get it, and what was added in between is moved in while the lock is held — a few
 * entries, well under a second. If every try times out, the migration fails and changes
 * nothing; run it again at a quieter moment.
 */
export class GoodsNameGramsNoPendingList1796190500000 implements MigrationInterface {
  name = 'GoodsNameGramsNoPendingList1796190500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SELECT gin_clean_pending_list('goods_name_grams_expr_idx'::regclass)`);
    for (let attempt = 1; ; attempt++) {
      await q.query(`SAVEPOINT fastupdate_off`);
      try {
        await q.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
        await q.query(`ALTER INDEX goods_name_grams_expr_idx SET (fastupdate = off)`);
        await q.query(`RELEASE SAVEPOINT fastupdate_off`);
        break;
      } catch (err) {
        await q.query(`ROLLBACK TO SAVEPOINT fastupdate_off`);
        if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt === ATTEMPTS) throw err;
      }
    }
    await q.query(`SELECT gin_clean_pending_list('goods_name_grams_expr_idx'::regclass)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX goods_name_grams_expr_idx RESET (fastupdate)`);
  }
}

/** How long the ALTER waits for its lock, each try: statements on goods wait behind it at most this long. */
const LOCK_TIMEOUT = '2s';
const ATTEMPTS = 5;
/** SQLSTATE of a lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';
