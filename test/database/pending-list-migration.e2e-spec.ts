import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { GoodsNameGramsNoPendingList1796190500000 } from '../../src/database/migrations/1796190500000-goods-name-grams-no-pending-list';
import { useOwnDatabase } from '../support/own-database';

/**
 * Migration 1796190500000 on a live database: its ALTER INDEX needs an ACCESS EXCLUSIVE lock on
 * the index, behind every open transaction that touched goods, and every statement on goods
 * would queue behind it. It must wait a bounded time per try and try again, not stall the catalogue.
 */
describe('the migration that turns off the pending list, on a live database', () => {
  // A database of this file's own: the migration is undone and redone in it.
  const { url: freshUrl, name, admin } = useOwnDatabase('pending_list');
  let dataSource: DataSource;
  const reloptions = async () => (await dataSource.query(`SELECT reloptions FROM pg_class WHERE relname = 'goods_name_grams_expr_idx'`))[0].reloptions;

  beforeAll(async () => {
    dataSource = new DataSource(buildDataSourceOptions(freshUrl, { poolSize: 3 }));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => dataSource?.destroy());

  it('should wait at most lock_timeout for its lock at a time, try again, and finish once the readers let go', async () => {
    const migration = new GoodsNameGramsNoPendingList1796190500000();
    const runner = dataSource.createQueryRunner();
    const reader = new Client({ connectionString: freshUrl });
    await reader.connect();
    try {
      await migration.down(runner);
      expect(await reloptions()).toBeNull();
      await dataSource.query(`INSERT INTO goods (name, price) SELECT '新疆 Apple ' || i, 9 FROM generate_series(1, 50) AS i`);

      // A request in the middle of its transaction: it holds goods and its indexes.
      await reader.query('BEGIN');
      await reader.query('SELECT id FROM goods LIMIT 1');
      await runner.startTransaction();
      const migrating = migration.up(runner);
      migrating.catch(() => undefined);

      // The ALTER waits, gives up after lock_timeout, and waits again: two waits, each its own query_start.
      const starts = new Set<string>();
      const deadline = Date.now() + 15_000;
      while (starts.size < 2) {
        if (Date.now() > deadline) throw new Error(`the ALTER waited ${starts.size} time(s), not twice`);
        await admin.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await admin.query<{ started: string }>(
          `SELECT query_start::text AS started FROM pg_stat_activity
            WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE 'ALTER INDEX goods_name_grams_expr_idx%'`,
          [name],
        );
        for (const row of rows) starts.add(row.started);
        await delay(20);
      }
      await reader.query('COMMIT');
      await migrating;
      await runner.commitTransaction();
      expect(await reloptions()).toEqual(['fastupdate=off']);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
      await reader.end();
    }
  });
});
