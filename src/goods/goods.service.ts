import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AuditContext } from '../audit/audit-entry';
import type { AuthUser } from '../common/auth-user';
import { MediaService } from '../media/media.service';
import { compareDecimal, moneyFromNumber } from './money';
import { CreateGoodsDto, GOODS_FIELDS, MAX_PRICE, UpdateGoodsDto } from './dto/goods.dto';
import { toGoodsResponse, GoodsListResponse, GoodsResponse } from './dto/goods.response';
import type { GoodsOrdering, ListGoodsQueryDto } from './dto/list-goods.query';
import { decodeCursor, encodeCursor, GoodsFilter, PagePosition } from './goods-cursor';
import {
  CursorWithPageError,
  GoodsNotFoundError,
  GoodsVersionConflictError,
  IdempotencyKeyReusedError,
  InvalidCursorError,
  InvalidIdempotencyKeyError,
  PageTooDeepError,
  PriceRangeInvertedError,
} from './goods.errors';
import { GoodsPatch, GoodsRepository, NewGoods } from './goods.repository';

/** Offset paging reaches this many rows at most; the cursor goes anywhere. Also the cap of `total`. */
const MAX_OFFSET_ROWS = 10_000;
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const DEFAULT_PAGE_SIZE = 20;
const DEFAULT_ORDERING: GoodsOrdering = '-createdAt';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const CLEANUP_INTERVAL_MS = 3600_000;

@Injectable()
export class GoodsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GoodsService.name);
  private cleanup: NodeJS.Timeout | null = null;

  constructor(
    private readonly goods: GoodsRepository,
    private readonly media: MediaService,
  ) {}

  onModuleInit(): void {
    this.cleanup = setInterval(() => {
      this.goods.deleteExpiredIdempotencyKeys().catch((err: Error) => this.logger.warn(`idempotency key cleanup failed: ${err.message}`));
    }, CLEANUP_INTERVAL_MS);
    this.cleanup.unref();
  }

  onModuleDestroy(): void {
    if (this.cleanup) clearInterval(this.cleanup);
  }

  async get(id: string): Promise<GoodsResponse> {
    const goods = await this.goods.findById(id);
    if (!goods) throw new GoodsNotFoundError();
    return toGoodsResponse(goods);
  }

  /**
   * Creates a product. With an Idempotency-Key, the same key from the same user within 24 h
   * answers the product created the first time and creates nothing; the same key with
   * another body is refused. Recorded in the audit log (a replay records nothing).
   */
  async create(user: AuthUser, dto: CreateGoodsDto, audit: AuditContext, idempotencyKey?: string): Promise<GoodsResponse> {
    const goods: NewGoods = {
      name: dto.name,
      price: moneyFromNumber(dto.price, MAX_PRICE)!,
      stock: dto.stock ?? 0,
      category: dto.category ?? null,
      onSale: dto.onSale ?? true,
      description: dto.description ?? null,
      imageUrl: dto.imageUrl ?? null,
      images: dto.images ?? [],
    };
    if (idempotencyKey === undefined) return toGoodsResponse(await this.goods.insert(goods, user.id, audit));
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) throw new InvalidIdempotencyKeyError();
    const result = await this.goods.insertIdempotent(goods, user.id, idempotencyKey, requestHash(goods), IDEMPOTENCY_TTL_SECONDS, audit);
    if (result.kind === 'mismatch') throw new IdempotencyKeyReusedError();
    // Replayed, but the goods was deleted since.
    if (!result.goods) throw new GoodsNotFoundError();
    return toGoodsResponse(result.goods);
  }

  /** Recorded in the audit log when it changes something; images it no longer uses are freed. */
  async update(user: AuthUser, id: string, dto: UpdateGoodsDto, audit: AuditContext): Promise<GoodsResponse> {
    const patch: GoodsPatch = {};
    for (const field of GOODS_FIELDS) {
      if (dto[field] === undefined) continue;
      (patch as Record<string, unknown>)[field] = field === 'price' ? moneyFromNumber(dto.price, MAX_PRICE)! : dto[field];
    }
    if (Object.keys(patch).length === 0) {
      // Nothing to change: the version stays, but a stale one is still a conflict.
      const current = await this.goods.findById(id);
      if (!current) throw new GoodsNotFoundError();
      if (dto.version !== undefined && dto.version !== current.version) throw new GoodsVersionConflictError(current.version);
      return toGoodsResponse(current);
    }
    const result = await this.goods.update(id, patch, dto.version, user.id, audit);
    if (result.kind === 'missing') throw new GoodsNotFoundError();
    if (result.kind === 'conflict') throw new GoodsVersionConflictError(result.currentVersion);
    await this.media.freeReleased(result.released);
    return toGoodsResponse(result.goods);
  }

  /** Recorded in the audit log with the product as it was; its images are freed unless something else uses them. */
  async delete(id: string, audit: AuditContext): Promise<void> {
    const result = await this.goods.deleteById(id, audit);
    if (result.kind === 'missing') throw new GoodsNotFoundError();
    await this.media.freeReleased(result.released);
  }

  /**
   * A page of goods: by `page` (offset, at most 10,000 rows deep) or by `cursor` (keyset, any
   * depth). The order always ends with id, so pages never overlap. `total` is counted up to
   * 10,000 and no further.
   */
  async list(query: ListGoodsQueryDto): Promise<GoodsListResponse> {
    if (query.cursor !== undefined && query.page !== undefined) throw new CursorWithPageError();
    if (query.minPrice !== undefined && query.maxPrice !== undefined && compareDecimal(query.minPrice, query.maxPrice) > 0) {
      throw new PriceRangeInvertedError();
    }
    const search = query.search?.trim();
    const filter: GoodsFilter = {
      search: search ? search : undefined,
      category: query.category,
      onSale: query.onSale,
      minPrice: query.minPrice,
      maxPrice: query.maxPrice,
    };
    const ordering = query.ordering ?? DEFAULT_ORDERING;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;

    let page: number | null = null;
    let position: PagePosition;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor, ordering, filter);
      if (!decoded.ok) {
        throw new InvalidCursorError(
          decoded.reason === 'mismatch' ? 'cursor belongs to another ordering or other filters; pass the same ones as for the page it came from' : undefined,
        );
      }
      position = { after: decoded.keyset };
    } else {
      page = query.page ?? 1;
      if (page * pageSize > MAX_OFFSET_ROWS) throw new PageTooDeepError(MAX_OFFSET_ROWS);
      position = { offset: (page - 1) * pageSize };
    }

    const result = await this.goods.listPage({ filter, ordering, position, size: pageSize, countCap: MAX_OFFSET_ROWS });
    const last = result.rows[result.rows.length - 1];
    return {
      items: result.rows.map((row) => toGoodsResponse(row.goods)),
      total: result.total,
      totalExact: result.totalExact,
      page,
      pageSize,
      nextCursor: result.hasMore ? encodeCursor(ordering, filter, { value: last.sortKey, id: last.goods.id }) : null,
    };
  }
}

/**
 * The request as the key's fingerprint: same fields and values (after defaults) → same hash.
 * An empty gallery is left out, so a key stored before `images` existed still matches its retry.
 */
function requestHash(goods: NewGoods): Buffer {
  const fields = Object.keys(goods).filter((k) => k !== 'images' || goods.images.length > 0) as (keyof NewGoods)[];
  const canonical = JSON.stringify(fields.sort().map((k) => [k, goods[k]]));
  return createHash('sha256').update(canonical).digest();
}
