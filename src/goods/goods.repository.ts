import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ReadPools } from '../database/read-pools';
import { queryRows } from '../database/sql';
import { CappedCountCache } from './capped-count-cache';
import type { GoodsOrdering } from './dto/list-goods.query';
import { GoodsEntity } from './entities/goods.entity';
import { filterFingerprint, GoodsFilter, PagePosition } from './goods-cursor';
import { buildCountQuery, buildListQuery, chooseReadPlan, GOODS_COLUMNS, PLANNER_SETTINGS, ReadPlan, SqlQuery } from './goods-sql';

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

/** What a list asks for: which goods, in which order, from where, how many. */
export interface PageQuery {
  filter: GoodsFilter;
  ordering: GoodsOrdering;
  position: PagePosition;
  size: number;
  /** Matches are counted up to this many and no further. */
  countCap: number;
}

export interface GoodsPage {
  /** At most `size` rows. */
  rows: ListedGoods[];
  /** Whether more rows follow the last one. */
  hasMore: boolean;
  /** The number of matches, at most `countCap`. */
  total: number;
  /** False when more than `countCap` goods match. */
  totalExact: boolean;
}

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

/**
 * The catalogue's table and the Idempotency-Keys of its creates, in raw SQL through the
 * DataSource (the list needs SQL TypeORM cannot build; the rest follows suit).
 */
@Injectable()
export class GoodsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadPools,
    private readonly overCap: CappedCountCache,
  ) {}

  async findById(id: string): Promise<GoodsEntity | null> {
    return this.findWith(this.dataSource.manager, id);
  }

  async insert(goods: NewGoods, userId: string): Promise<GoodsEntity> {
    return this.insertWith(this.dataSource.manager, goods, userId);
  }

  /**
   * Creates the goods unless this user already used this Idempotency-Key within its
   * lifetime. The key row is claimed with `INSERT … ON CONFLICT`: a concurrent duplicate
   * waits on the primary key until the first transaction ends, then finds the key taken
   * (or free again, if the first one rolled back). An expired key is claimed afresh.
   */
  async insertIdempotent(goods: NewGoods, userId: string, key: string, requestHash: Buffer, ttlSeconds: number): Promise<IdempotentCreateResult> {
    return this.dataSource.transaction(async (tx) => {
      const claimed = await queryRows(
        tx,
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
        await queryRows(tx, `UPDATE idempotency_keys SET resource_id = $4 WHERE user_id = $1 AND scope = $2 AND key = $3`, [
          userId,
          IDEMPOTENCY_SCOPE,
          key,
          created.id,
        ]);
        return { kind: 'created', goods: created };
      }
      const [existing] = await queryRows<{ request_hash: Buffer; resource_id: string | null }>(
        tx,
        `SELECT request_hash, resource_id FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3`,
        [userId, IDEMPOTENCY_SCOPE, key],
      );
      if (existing && !existing.request_hash.equals(requestHash)) return { kind: 'mismatch' };
      const goodsNow = existing?.resource_id ? await this.findWith(tx, existing.resource_id) : null;
      return { kind: 'replayed', goods: goodsNow };
    });
  }

  /** Forgets Idempotency-Keys past their lifetime. */
  async deleteExpiredIdempotencyKeys(): Promise<void> {
    await queryRows(this.dataSource, `DELETE FROM idempotency_keys WHERE expires_at <= now()`);
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
    const updated = await queryRows<GoodsRow>(this.dataSource, `UPDATE goods SET ${sets.join(', ')} WHERE ${where} RETURNING ${GOODS_COLUMNS}`, params);
    if (updated.length === 1) return { kind: 'updated', goods: toEntity(updated[0]) };
    const current = await this.findById(id);
    return current ? { kind: 'conflict', currentVersion: current.version } : { kind: 'missing' };
  }

  async deleteById(id: string): Promise<boolean> {
    const deleted = await queryRows(this.dataSource, `DELETE FROM goods WHERE id = $1 RETURNING 1`, [id]);
    // A delete may bring a total back under the cap.
    this.overCap.clear();
    return deleted.length > 0;
  }

  /**
   * A page of goods and how many match, counted up to `countCap`. How it is read is chosen
   * here (chooseReadPlan): a multi-gram search near the start of the list is walked along
   * the ordering index when it matches more than the cap, so its count runs first — unless
   * the cap cache already knows the answer. Otherwise page and count run at once; a filter
   * known to be over the cap is not counted again until the cache forgets it.
   */
  async listPage({ filter, ordering, position, size, countCap }: PageQuery): Promise<GoodsPage> {
    // One row more than the page tells whether more follow.
    const limit = size + 1;
    const cacheKey = `${countCap}:${filterFingerprint(filter)}`;
    const knownOverCap = this.overCap.isOverCap(cacheKey);
    const choice = chooseReadPlan(filter, ordering, position);
    let rows: ListedGoods[];
    let count: number;
    if (choice.dependsOnCount && !knownOverCap) {
      count = await this.countUpTo(filter, countCap + 1);
      rows = await this.list(filter, ordering, position, limit, choice.plan(count > countCap));
    } else {
      [rows, count] = await Promise.all([
        this.list(filter, ordering, position, limit, choice.plan(knownOverCap)),
        knownOverCap ? countCap + 1 : this.countUpTo(filter, countCap + 1),
      ]);
    }
    // Remembered from when it was counted: a hit does not extend it, so a total lags by at most the TTL.
    if (!knownOverCap && count > countCap) this.overCap.rememberOverCap(cacheKey);
    return { rows: rows.slice(0, size), hasMore: rows.length > size, total: Math.min(count, countCap), totalExact: count <= countCap };
  }

  private async list(filter: GoodsFilter, ordering: GoodsOrdering, position: PagePosition, limit: number, plan: ReadPlan): Promise<ListedGoods[]> {
    const rows = await this.read<GoodsRow>(buildListQuery(filter, ordering, position, limit, plan));
    return rows.map((row) => ({ goods: toEntity(row), sortKey: row.sort_key! }));
  }

  private async countUpTo(filter: GoodsFilter, cap: number): Promise<number> {
    const [{ n }] = await this.read<{ n: number }>(buildCountQuery(filter, cap));
    return n;
  }

  /** Runs a catalogue read on a connection that starts with its plan's settings (one round trip; a replica when there are any). */
  private read<T>(query: SqlQuery): Promise<T[]> {
    return this.reads.query<T>(PLANNER_SETTINGS[query.plan], query.sql, query.params);
  }

  private async findWith(manager: EntityManager, id: string): Promise<GoodsEntity | null> {
    const [row] = await queryRows<GoodsRow>(manager, `SELECT ${GOODS_COLUMNS} FROM goods WHERE id = $1`, [id]);
    return row ? toEntity(row) : null;
  }

  private async insertWith(manager: EntityManager, goods: NewGoods, userId: string): Promise<GoodsEntity> {
    const [row] = await queryRows<GoodsRow>(
      manager,
      `INSERT INTO goods (name, price, stock, category, on_sale, description, image_url, created_by, updated_by)
       VALUES ($1, $2::numeric, $3, $4, $5, $6, $7, $8, $8)
       RETURNING ${GOODS_COLUMNS}`,
      [goods.name, goods.price, goods.stock, goods.category, goods.onSale, goods.description, goods.imageUrl, userId],
    );
    return toEntity(row);
  }
}
