import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { changesBetween } from '../audit/audit-changes';
import type { AuditContext } from '../audit/audit-entry';
import { AuditRepository } from '../audit/audit.repository';
import { ReadPools } from '../database/read-pools';
import { poolRows, queryRows } from '../database/sql';
import { MediaHolder, MediaReferencesRepository } from '../media/media-references.repository';
import { CappedCountCache } from './capped-count-cache';
import type { GoodsOrdering } from './dto/list-goods.query';
import { GoodsEntity } from './entities/goods.entity';
import { filterFingerprint, GoodsFilter, PagePosition } from './goods-cursor';
import { buildCountQuery, buildListQuery, chooseReadPlan, GOODS_BY_ID_SQL, GOODS_COLUMNS, PLANNER_SETTINGS, ReadPlan, SqlQuery } from './goods-sql';

/** A validated new product; `price` is an exact decimal string. */
export interface NewGoods {
  name: string;
  price: string;
  stock: number;
  category: string | null;
  onSale: boolean;
  description: string | null;
  imageUrl: string | null;
  /** The gallery, 0–9 http(s) URLs. */
  images: string[];
}

export type GoodsPatch = Partial<NewGoods>;

/** `released`: media the goods no longer refers to, for MediaService to free once the transaction has committed. */
export type UpdateResult =
  | { kind: 'updated'; goods: GoodsEntity; released: string[] }
  | { kind: 'conflict'; currentVersion: number }
  | { kind: 'missing' };

export type DeleteResult = { kind: 'deleted'; released: string[] } | { kind: 'missing' };

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
  images: 'images',
};

/** Casts of patch parameters whose type PostgreSQL cannot take from the text node-postgres sends. */
const PATCH_CASTS: Partial<Record<keyof NewGoods, string>> = { price: '::numeric', images: '::varchar[]' };

/**
 * What the audit log shows of a product: the fields staff edit, as the API shows them
 * (price a number of yuan). Never the version, the authors or the timestamps.
 */
const AUDITED_FIELDS = ['name', 'price', 'stock', 'category', 'onSale', 'description', 'imageUrl', 'images'] as const;

function audited(goods: GoodsEntity): Record<(typeof AUDITED_FIELDS)[number], unknown> {
  return {
    name: goods.name,
    price: Number(goods.price),
    stock: goods.stock,
    category: goods.category,
    onSale: goods.onSale,
    description: goods.description,
    imageUrl: goods.imageUrl,
    images: goods.images,
  };
}

/** A goods as a holder of media: its cover and its gallery. */
const mediaHolder = (id: string): MediaHolder => ({ type: 'goods', id });
const mediaUrlsOf = (goods: GoodsEntity): (string | null)[] => [goods.imageUrl, ...goods.images];

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
  images: string[];
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
    images: row.images,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/**
 * The catalogue's table and the Idempotency-Keys of its creates, in raw SQL through the
 * DataSource (the list needs SQL TypeORM cannot build; the rest follows suit). Every write
 * runs in one transaction with what goes with it: the goods' media references (its cover and
 * gallery, through MediaReferencesRepository) and its audit row, so neither can disagree
 * with the change it describes.
 */
@Injectable()
export class GoodsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadPools,
    private readonly overCap: CappedCountCache,
    private readonly references: MediaReferencesRepository,
    private readonly audit: AuditRepository,
  ) {}

  async findById(id: string): Promise<GoodsEntity | null> {
    const [row] = await poolRows<GoodsRow>(this.dataSource, GOODS_BY_ID_SQL, [id], true);
    return row ? toEntity(row) : null;
  }

  async insert(goods: NewGoods, userId: string, audit: AuditContext): Promise<GoodsEntity> {
    return this.dataSource.transaction((tx) => this.insertWith(tx, goods, userId, audit));
  }

  /**
   * Creates the goods unless this user already used this Idempotency-Key within its
   * lifetime. The key row is claimed with `INSERT … ON CONFLICT`: a concurrent duplicate
   * waits on the primary key until the first transaction ends, then finds the key taken
   * (or free again, if the first one rolled back). An expired key is claimed afresh.
   */
  async insertIdempotent(
    goods: NewGoods,
    userId: string,
    key: string,
    requestHash: Buffer,
    ttlSeconds: number,
    audit: AuditContext,
  ): Promise<IdempotentCreateResult> {
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
        const created = await this.insertWith(tx, goods, userId, audit);
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
      // A replay writes nothing: no reference, no audit row.
      const goodsNow = existing?.resource_id ? await this.findWith(tx, existing.resource_id) : null;
      return { kind: 'replayed', goods: goodsNow };
    });
  }

  /** Forgets Idempotency-Keys past their lifetime. */
  async deleteExpiredIdempotencyKeys(): Promise<void> {
    await queryRows(this.dataSource, `DELETE FROM idempotency_keys WHERE expires_at <= now()`);
  }

  /**
   * Applies a patch unless `expectedVersion` is given and stale. The row is locked first
   * (`FOR UPDATE`, which also gives the values before the change for the audit row), so of
   * concurrent writers holding the same version exactly one finds it current; the others
   * wait, then read the version it wrote and change nothing. The write records its audit row
   * (the fields whose value changed, before and after) and, when the patch sets the images,
   * the goods' media references, all in the same transaction.
   */
  async update(id: string, patch: GoodsPatch, expectedVersion: number | undefined, userId: string, audit: AuditContext): Promise<UpdateResult> {
    return this.dataSource.transaction(async (tx): Promise<UpdateResult> => {
      const before = await this.findWith(tx, id, { forUpdate: true });
      if (!before) return { kind: 'missing' };
      if (expectedVersion !== undefined && expectedVersion !== before.version) return { kind: 'conflict', currentVersion: before.version };
      const params: unknown[] = [id, userId];
      const sets: string[] = [];
      for (const [field, column] of Object.entries(PATCH_COLUMNS) as [keyof NewGoods, string][]) {
        if (patch[field] === undefined) continue;
        params.push(patch[field]);
        sets.push(`${column} = $${params.length}${PATCH_CASTS[field] ?? ''}`);
      }
      // The service answers an empty patch without writing; nothing to record either.
      if (sets.length === 0) return { kind: 'updated', goods: before, released: [] };
      sets.push('version = version + 1', 'updated_at = now()', 'updated_by = $2');
      const [row] = await queryRows<GoodsRow>(tx, `UPDATE goods SET ${sets.join(', ')} WHERE id = $1 RETURNING ${GOODS_COLUMNS}`, params);
      const after = toEntity(row);
      const imagesTouched = patch.imageUrl !== undefined || patch.images !== undefined;
      const released = imagesTouched ? await this.references.replace(tx, mediaHolder(id), mediaUrlsOf(after)) : [];
      await this.audit.record(tx, audit, {
        action: 'goods.update',
        targetType: 'goods',
        targetId: id,
        changes: changesBetween(audited(before), audited(after), AUDITED_FIELDS),
      });
      return { kind: 'updated', goods: after, released };
    });
  }

  /** Deletes the goods with its media references, and records it as it was, in one transaction. */
  async deleteById(id: string, audit: AuditContext): Promise<DeleteResult> {
    const result = await this.dataSource.transaction(async (tx): Promise<DeleteResult> => {
      const [row] = await queryRows<GoodsRow>(tx, `DELETE FROM goods WHERE id = $1 RETURNING ${GOODS_COLUMNS}`, [id]);
      if (!row) return { kind: 'missing' };
      const released = await this.references.replace(tx, mediaHolder(id), []);
      await this.audit.record(tx, audit, {
        action: 'goods.delete',
        targetType: 'goods',
        targetId: id,
        changes: changesBetween(audited(toEntity(row)), null, AUDITED_FIELDS),
      });
      return { kind: 'deleted', released };
    });
    // A delete may bring a total back under the cap.
    if (result.kind === 'deleted') this.overCap.clear();
    return result;
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
    return this.reads.query<T>(PLANNER_SETTINGS[query.plan], query.sql, query.params, query.prepare);
  }

  private async findWith(manager: EntityManager, id: string, options: { forUpdate?: boolean } = {}): Promise<GoodsEntity | null> {
    const [row] = await queryRows<GoodsRow>(manager, `SELECT ${GOODS_COLUMNS} FROM goods WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row ? toEntity(row) : null;
  }

  /** Inserts inside `tx`, with the new goods' media references and its audit row. */
  private async insertWith(tx: EntityManager, goods: NewGoods, userId: string, audit: AuditContext): Promise<GoodsEntity> {
    const [row] = await queryRows<GoodsRow>(
      tx,
      `INSERT INTO goods (name, price, stock, category, on_sale, description, image_url, images, created_by, updated_by)
       VALUES ($1, $2::numeric, $3, $4, $5, $6, $7, $8::varchar[], $9, $9)
       RETURNING ${GOODS_COLUMNS}`,
      [goods.name, goods.price, goods.stock, goods.category, goods.onSale, goods.description, goods.imageUrl, goods.images, userId],
    );
    const created = toEntity(row);
    // A new holder referred to nothing before, so nothing is released.
    await this.references.replace(tx, mediaHolder(created.id), mediaUrlsOf(created));
    await this.audit.record(tx, audit, {
      action: 'goods.create',
      targetType: 'goods',
      targetId: created.id,
      changes: changesBetween(null, audited(created), AUDITED_FIELDS),
    });
    return created;
  }
}
