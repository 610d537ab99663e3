import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AuthUser } from '../common/auth-user';
import { BadRequestError } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CappedCountCache } from './capped-count-cache';
import { compareDecimal, moneyFromNumber } from './money';
import { CreateGoodsDto, GOODS_FIELDS, MAX_PRICE, UpdateGoodsDto } from './dto/goods.dto';
import { toGoodsResponse, GoodsListResponse, GoodsResponse } from './dto/goods.response';
import type { GoodsOrdering, ListGoodsQueryDto } from './dto/list-goods.query';
import { decodeCursor, encodeCursor, filterFingerprint, GoodsFilter } from './goods-cursor';
import {
  GoodsNotFoundError,
  GoodsVersionConflictError,
  IdempotencyKeyReusedError,
  InvalidCursorError,
  InvalidIdempotencyKeyError,
  PageTooDeepError,
} from './goods.errors';
import { GoodsPatch, GoodsRepository, isSingleGram, ListedGoods, NewGoods, PageRequest, ReadPlan } from './goods.repository';

/** Offset paging reaches this many rows at most; the cursor goes anywhere. Also the cap of `total`. */
export const MAX_OFFSET_ROWS = 10_000;
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const DEFAULT_PAGE_SIZE = 20;
const DEFAULT_ORDERING: GoodsOrdering = '-createdAt';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const CLEANUP_INTERVAL_MS = 3600_000;
/** Deeper than this, walking the ordering index past the skipped matches costs more than collecting them. */
const SHALLOW_OFFSET = 1000;

@Injectable()
export class GoodsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GoodsService.name);
  private cleanup: NodeJS.Timeout | null = null;
  private readonly overCap: CappedCountCache;

  constructor(
    private readonly goods: GoodsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.overCap = new CappedCountCache(config.goodsCountCacheSeconds * 1000);
  }

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
   * another body is refused.
   */
  async create(user: AuthUser, dto: CreateGoodsDto, idempotencyKey?: string): Promise<GoodsResponse> {
    const goods: NewGoods = {
      name: dto.name,
      price: moneyFromNumber(dto.price, MAX_PRICE)!,
      stock: dto.stock ?? 0,
      category: dto.category ?? null,
      onSale: dto.onSale ?? true,
      description: dto.description ?? null,
      imageUrl: dto.imageUrl ?? null,
    };
    if (idempotencyKey === undefined) return toGoodsResponse(await this.goods.insert(goods, user.id));
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) throw new InvalidIdempotencyKeyError();
    const result = await this.goods.insertIdempotent(goods, user.id, idempotencyKey, requestHash(goods), IDEMPOTENCY_TTL_SECONDS);
    if (result.kind === 'mismatch') throw new IdempotencyKeyReusedError();
    // Replayed, but the goods was deleted since.
    if (!result.goods) throw new GoodsNotFoundError();
    return toGoodsResponse(result.goods);
  }

  async update(user: AuthUser, id: string, dto: UpdateGoodsDto): Promise<GoodsResponse> {
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
    const result = await this.goods.update(id, patch, dto.version, user.id);
    if (result.kind === 'missing') throw new GoodsNotFoundError();
    if (result.kind === 'conflict') throw new GoodsVersionConflictError(result.currentVersion);
    return toGoodsResponse(result.goods);
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.goods.deleteById(id);
    // A delete may bring a total back under the cap.
    this.overCap.clear();
    if (!deleted) throw new GoodsNotFoundError();
  }

  /**
   * A page of goods: by `page` (offset, at most 10,000 rows deep) or by `cursor` (keyset, any
   * depth). The order always ends with id, so pages never overlap. `total` is counted up to
   * 10,000 and no further.
   */
  async list(query: ListGoodsQueryDto): Promise<GoodsListResponse> {
    if (query.cursor !== undefined && query.page !== undefined) {
      throw new BadRequestError('cursor and page cannot be used together: the cursor already says where the page starts', 'CURSOR_WITH_PAGE');
    }
    if (query.minPrice !== undefined && query.maxPrice !== undefined && compareDecimal(query.minPrice, query.maxPrice) > 0) {
      throw new BadRequestError('minPrice must not be greater than maxPrice', 'VALIDATION_FAILED');
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
    let request: PageRequest;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor, ordering, filter);
      if (!decoded.ok) {
        throw new InvalidCursorError(
          decoded.reason === 'mismatch' ? 'cursor belongs to another ordering or other filters; pass the same ones as for the page it came from' : undefined,
        );
      }
      request = { after: decoded.keyset };
    } else {
      page = query.page ?? 1;
      if (page * pageSize > MAX_OFFSET_ROWS) throw new PageTooDeepError(MAX_OFFSET_ROWS);
      request = { offset: (page - 1) * pageSize };
    }

    // One row more than the page tells whether there is a next page.
    const countKey = filterFingerprint(filter);
    const knownOverCap = this.overCap.isOverCap(countKey);
    // How to read a page of a search (see GoodsRepository.list). Ordered by name: collect the
    // matches and sort them. Otherwise a multi-gram search the planner cannot size: when it
    // matches more than the cap, near the start of the list, walking the ordering index is
    // the fast plan. That needs the count first; a single gram or a known count runs both at once.
    const byName = ordering === 'name' || ordering === '-name';
    const multiGram = filter.search !== undefined && !isSingleGram(filter.search) && filter.category === undefined && !byName;
    const shallow = request.after !== undefined || (request.offset ?? 0) <= SHALLOW_OFFSET;
    let rows: ListedGoods[];
    let count: number;
    if (multiGram && shallow && !knownOverCap) {
      count = await this.goods.countUpTo(filter, MAX_OFFSET_ROWS + 1);
      rows = await this.goods.list(filter, ordering, request, pageSize + 1, count > MAX_OFFSET_ROWS ? 'walk' : 'indexed');
    } else {
      const plan: ReadPlan = multiGram && shallow && knownOverCap ? 'walk' : filter.search !== undefined && byName ? 'collect' : 'indexed';
      [rows, count] = await Promise.all([
        this.goods.list(filter, ordering, request, pageSize + 1, plan),
        knownOverCap ? MAX_OFFSET_ROWS + 1 : this.goods.countUpTo(filter, MAX_OFFSET_ROWS + 1),
      ]);
    }
    if (count > MAX_OFFSET_ROWS) this.overCap.rememberOverCap(countKey);
    const items = rows.slice(0, pageSize);
    const last = items[items.length - 1];
    return {
      items: items.map((row) => toGoodsResponse(row.goods)),
      total: Math.min(count, MAX_OFFSET_ROWS),
      totalExact: count <= MAX_OFFSET_ROWS,
      page,
      pageSize,
      nextCursor: rows.length > pageSize ? encodeCursor(ordering, filter, { value: last.sortKey, id: last.goods.id }) : null,
    };
  }
}

/** The request as the key's fingerprint: same fields and values (after defaults) → same hash. */
function requestHash(goods: NewGoods): Buffer {
  const canonical = JSON.stringify(Object.keys(goods).sort().map((k) => [k, goods[k as keyof NewGoods]]));
  return createHash('sha256').update(canonical).digest();
}
