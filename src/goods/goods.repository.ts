import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import type { GoodsOrdering } from './dto/list-goods.query';
import { GoodsEntity } from './entities/goods.entity';
import { escapeLike, queryRows } from '../database/sql';
import type { GoodsFilter, Keyset } from './goods-cursor';

/** A validated new product; `price` is an exact decimal string. */
export interface NewGoods {
  name: string;
  price: string;
  stock: number;
  category: string | null;
  onSale: boolean;
  description: string | null;
  imageUrl: string | null;
}

export type GoodsPatch = Partial<NewGoods>;

export type UpdateResult =
  | { kind: 'updated'; goods: GoodsEntity }
  | { kind: 'conflict'; currentVersion: number }
  | { kind: 'missing' };

export type IdempotentCreateResult =
  | { kind: 'created'; goods: GoodsEntity }
  | { kind: 'replayed'; goods: GoodsEntity | null }
  | { kind: 'mismatch' };

export interface ListedGoods {
  goods: GoodsEntity;
  /** The ordering column's value as PostgreSQL prints it, for the next cursor. */
  sortKey: string;
}

export type PageRequest = { offset: number; after?: never } | { after: Keyset; offset?: never };

/**
 * The ordering whitelist → column, its type, and its value as cursor text. Every ordering is
 * backed by a (column, id) btree. Timestamps go into cursors as ISO 8601 UTC with
 * microseconds, which reads back exactly whatever the server's DateStyle and TimeZone.
 */
export const ORDER_COLUMNS: Record<string, { column: string; type: string; key: string }> = {
  createdAt: { column: 'created_at', type: 'timestamptz', key: `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` },
  price: { column: 'price', type: 'numeric', key: 'price::text' },
  name: { column: 'name', type: 'varchar', key: 'name' },
  stock: { column: 'stock', type: 'integer', key: 'stock::text' },
};

const COLUMNS = `id, name, description, price::text AS price, stock, category, on_sale, image_url,
  created_by, updated_by, version, created_at, updated_at`;

const PATCH_COLUMNS: Record<keyof NewGoods, string> = {
  name: 'name',
  price: 'price',
  stock: 'stock',
  category: 'category',
  onSale: 'on_sale',
  description: 'description',
  imageUrl: 'image_url',
};

const IDEMPOTENCY_SCOPE = 'goods.create';

/**
 * How the catalogue's reads are planned. Each list and count runs in a transaction of its
 * own under these `SET LOCAL`s (GoodsRepository.read), and the EXPLAIN tests plan the same
 * SQL under the same settings.
 * - `indexed`: never a sequential scan of goods. Every filter, ordering and count has an
 *   index; left to itself the planner takes a seq scan whenever its estimates say a LIMIT
 *   will be met soon (or when the table was not vacuumed lately), which at a million rows
 *   means reading most of the table when the rows it looks for are not spread evenly.
 * - `walk`: read the ordering's index in order and filter as it goes, never collect through
 *   the bigram index (see GoodsRepository.list).
 * - `collect`: collect the matches through the bigram index (a bitmap) and sort them, never
 *   walk an ordering index: costs what the number of matches costs, whatever their order.
 */
export type ReadPlan = 'indexed' | 'walk' | 'collect';

export const PLANNER_SETTINGS: Record<ReadPlan, string> = {
  indexed: 'SET LOCAL enable_seqscan = off',
  walk: 'SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL max_parallel_workers_per_gather = 0',
  collect: 'SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off',
};

export interface SqlQuery {
  sql: string;
  params: unknown[];
  /** The `SET LOCAL`s it runs under (PLANNER_SETTINGS). */
  settings: string;
}

function whereClause(filter: GoodsFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.search) {
    // The GIN index narrows by the term's bigrams (its unigram when it is one character);
    // the LIKE rechecks that they are adjacent and in order. A term of one or two
    // characters is itself one gram, so the index answers it exactly and needs no recheck
    // (which also lets the planner estimate it from the gram statistics).
    where.push(`name_grams @> goods_search_grams(${add(filter.search)})`);
    if (!isSingleGram(filter.search)) where.push(`lower(name) LIKE '%' || lower(${add(escapeLike(filter.search))}) || '%'`);
  }
  if (filter.category !== undefined) where.push(`category = ${add(filter.category)}`);
  if (filter.onSale !== undefined) where.push(`on_sale = ${add(filter.onSale)}`);
  if (filter.minPrice !== undefined) where.push(`price >= ${add(filter.minPrice)}::numeric`);
  if (filter.maxPrice !== undefined) where.push(`price <= ${add(filter.maxPrice)}::numeric`);
  return where;
}

/** One or two characters whose lower case is as long: exactly one gram of `name_grams`. */
export function isSingleGram(term: string): boolean {
  const length = [...term].length;
  return length <= 2 && [...term.toLowerCase()].length === length;
}

/** The list query: filters, keyset or offset, ORDER BY the ordering column then id, LIMIT. Exported for the EXPLAIN tests. */
export function buildListQuery(filter: GoodsFilter, ordering: GoodsOrdering, page: PageRequest, limit: number, plan: ReadPlan = 'indexed'): SqlQuery {
  const params: unknown[] = [];
  const where = whereClause(filter, params);
  const descending = ordering.startsWith('-');
  const { column, type, key } = ORDER_COLUMNS[ordering.replace(/^-/, '')];
  const dir = descending ? 'DESC' : 'ASC';
  if (page.after) {
    params.push(page.after.value, page.after.id);
    // A row comparison the (column, id) index answers directly: the page starts right after the last row seen.
    where.push(`(${column}, id) ${descending ? '<' : '>'} ($${params.length - 1}::${type}, $${params.length}::uuid)`);
  }
  params.push(limit);
  let sql = `SELECT ${COLUMNS}, ${key} AS sort_key FROM goods`;
  if (where.length) sql += ` WHERE ${where.join(' AND ')}`;
  // Qualified: a bare `price` in ORDER BY would name the output column `price::text AS price`.
  sql += ` ORDER BY goods.${column} ${dir}, goods.id ${dir} LIMIT $${params.length}`;
  if (page.offset) {
    params.push(page.offset);
    sql += ` OFFSET $${params.length}`;
  }
  return { sql, params, settings: PLANNER_SETTINGS[plan] };
}

/** Counts matches up to `cap` and no further, so a count never costs a scan of the whole table. */
export function buildCountQuery(filter: GoodsFilter, cap: number): SqlQuery {
  const params: unknown[] = [];
  const where = whereClause(filter, params);
  params.push(cap);
  const sql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM goods${where.length ? ` WHERE ${where.join(' AND ')}` : ''} LIMIT $${params.length}) capped`;
  return { sql, params, settings: PLANNER_SETTINGS.indexed };
}

interface GoodsRow {
  id: string;
  name: string;
  description: string | null;
  price: string;
  stock: number;
  category: string | null;
  on_sale: boolean;
  image_url: string | null;
  created_by: string | null;
  updated_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  sort_key?: string;
}

function toEntity(row: GoodsRow): GoodsEntity {
  return Object.assign(new GoodsEntity(), {
    id: row.id,
    name: row.name,
    description: row.description,
    price: row.price,
    stock: row.stock,
    category: row.category,
    onSale: row.on_sale,
    imageUrl: row.image_url,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

@Injectable()
export class GoodsRepository {
  constructor(
    @InjectRepository(GoodsEntity) private readonly repo: Repository<GoodsEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async findById(id: string): Promise<GoodsEntity | null> {
    return this.findWith(this.repo.manager, id);
  }

  async insert(goods: NewGoods, userId: string): Promise<GoodsEntity> {
    return this.insertWith(this.repo.manager, goods, userId);
  }

  /**
   * Creates the goods unless this user already used this Idempotency-Key within its
   * lifetime. The key row is claimed with `INSERT … ON CONFLICT`: a concurrent duplicate
   * waits on the primary key until the first transaction ends, then finds the key taken
   * (or free again, if the first one rolled back). An expired key is claimed afresh.
   */
  async insertIdempotent(goods: NewGoods, userId: string, key: string, requestHash: Buffer, ttlSeconds: number): Promise<IdempotentCreateResult> {
    return this.dataSource.transaction(async (tx) => {
      const claimed: unknown[] = await tx.query(
        `INSERT INTO idempotency_keys (user_id, scope, key, request_hash, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
         ON CONFLICT (user_id, scope, key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, resource_id = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
          WHERE idempotency_keys.expires_at <= now()
         RETURNING 1`,
        [userId, IDEMPOTENCY_SCOPE, key, requestHash, ttlSeconds],
      );
      if (claimed.length === 1) {
        const created = await this.insertWith(tx, goods, userId);
        await tx.query(`UPDATE idempotency_keys SET resource_id = $4 WHERE user_id = $1 AND scope = $2 AND key = $3`, [
          userId,
          IDEMPOTENCY_SCOPE,
          key,
          created.id,
        ]);
        return { kind: 'created', goods: created };
      }
      const [existing]: { request_hash: Buffer; resource_id: string | null }[] = await tx.query(
        `SELECT request_hash, resource_id FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3`,
        [userId, IDEMPOTENCY_SCOPE, key],
      );
      if (existing && !existing.request_hash.equals(requestHash)) return { kind: 'mismatch' };
      const goodsNow = existing?.resource_id ? await this.findWith(tx, existing.resource_id) : null;
      return { kind: 'replayed', goods: goodsNow };
    });
  }

  /** Forgets Idempotency-Keys past their lifetime. */
  async deleteExpiredIdempotencyKeys(): Promise<number> {
    const deleted = await queryRows(this.dataSource, `DELETE FROM idempotency_keys WHERE expires_at <= now() RETURNING 1`);
    return deleted.length;
  }

  /**
   * Applies a patch in one atomic `UPDATE … WHERE id = $1 AND version = $2`: of concurrent
   * writers holding the same version exactly one matches; the others find the version
   * moved on (PostgreSQL rechecks the WHERE after the first commits) and change nothing.
   */
  async update(id: string, patch: GoodsPatch, expectedVersion: number | undefined, userId: string): Promise<UpdateResult> {
    const params: unknown[] = [id, userId];
    const sets: string[] = [];
    for (const [field, column] of Object.entries(PATCH_COLUMNS) as [keyof NewGoods, string][]) {
      if (patch[field] === undefined) continue;
      params.push(patch[field]);
      sets.push(`${column} = $${params.length}${field === 'price' ? '::numeric' : ''}`);
    }
    sets.push('version = version + 1', 'updated_at = now()', 'updated_by = $2');
    let where = 'id = $1';
    if (expectedVersion !== undefined) {
      params.push(expectedVersion);
      where += ` AND version = $${params.length}`;
    }
    const updated = await queryRows<GoodsRow>(this.dataSource, `UPDATE goods SET ${sets.join(', ')} WHERE ${where} RETURNING ${COLUMNS}`, params);
    if (updated.length === 1) return { kind: 'updated', goods: toEntity(updated[0]) };
    const current = await this.findById(id);
    return current ? { kind: 'conflict', currentVersion: current.version } : { kind: 'missing' };
  }

  async deleteById(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * A page of a search has two ways to go, and the caller picks (`plan`):
   * - `walk`: read the ordering's index in order and filter as it goes. PostgreSQL estimates
   *   a multi-gram search as if its grams were independent (三文 and 文鱼 each in 2% of
   *   names → 0.04%), so for a term that in fact matches thousands of rows it would collect
   *   and sort every match; walking the index stops after about pageSize / density rows —
   *   when the matches are spread evenly along the ordering.
   * - `collect`: gather the matches through the bigram index and sort them. Names holding a
   *   word are not spread evenly along the name order (`优质苹果 …` sit together, and so
   *   do the names before them), so walking the name index can pass half the table before
   *   its first match; collecting costs what the number of matches costs, in any order.
   * The caller decides from the capped count, which it has anyway.
   */
  async list(filter: GoodsFilter, ordering: GoodsOrdering, page: PageRequest, limit: number, plan: ReadPlan = 'indexed'): Promise<ListedGoods[]> {
    const rows = await this.read<GoodsRow>(buildListQuery(filter, ordering, page, limit, plan));
    return rows.map((row) => ({ goods: toEntity(row), sortKey: row.sort_key! }));
  }

  async countUpTo(filter: GoodsFilter, cap: number): Promise<number> {
    const [{ n }] = await this.read<{ n: number }>(buildCountQuery(filter, cap));
    return n;
  }

  /**
   * Runs a read under its planner settings, which last only as long as its own transaction:
   * `BEGIN; SET LOCAL …` in one round trip, the query, `COMMIT`.
   */
  private async read<T>(query: SqlQuery): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.query(`BEGIN; ${query.settings}`);
      const rows: T[] = await runner.query(query.sql, query.params);
      await runner.query('COMMIT');
      return rows;
    } catch (err) {
      // Never hand a connection back to the pool inside a transaction.
      await runner.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  private async findWith(manager: EntityManager, id: string): Promise<GoodsEntity | null> {
    const rows: GoodsRow[] = await manager.query(`SELECT ${COLUMNS} FROM goods WHERE id = $1`, [id]);
    return rows.length ? toEntity(rows[0]) : null;
  }

  private async insertWith(manager: EntityManager, goods: NewGoods, userId: string): Promise<GoodsEntity> {
    const rows: GoodsRow[] = await manager.query(
      `INSERT INTO goods (name, price, stock, category, on_sale, description, image_url, created_by, updated_by)
       VALUES ($1, $2::numeric, $3, $4, $5, $6, $7, $8, $8)
       RETURNING ${COLUMNS}`,
      [goods.name, goods.price, goods.stock, goods.category, goods.onSale, goods.description, goods.imageUrl, userId],
    );
    return toEntity(rows[0]);
  }
}
