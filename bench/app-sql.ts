/**
 * The one place where the bench's baseline server takes the app's goods SQL: the pure SQL
 * builders, the planner settings, the cursor format and the count cache. The baseline runs
 * exactly these statements, so the bench measures what the framework costs around them, not
 * a different query.
 *
 * Re-point here when the goods module moves (the builders go to src/goods/goods-sql.ts, the
 * list planning into the repository): nothing else in bench/ imports src/goods.
 */
import type { GoodsOrdering } from '../src/goods/dto/list-goods.query';
import type { GoodsFilter, Keyset } from '../src/goods/goods-cursor';
import { isSingleGram, ORDER_COLUMNS, PageRequest, ReadPlan } from '../src/goods/goods.repository';

export { buildCountQuery, buildListQuery, isSingleGram, ORDER_COLUMNS, PLANNER_SETTINGS } from '../src/goods/goods.repository';
export type { PageRequest, ReadPlan, SqlQuery } from '../src/goods/goods.repository';
export { decodeCursor, encodeCursor, filterFingerprint } from '../src/goods/goods-cursor';
export type { GoodsFilter, Keyset };
export { CappedCountCache } from '../src/goods/capped-count-cache';
export type { GoodsOrdering };

/** The `ordering` values the list accepts: each ordering column, ascending or descending (ListGoodsQueryDto's whitelist). */
export const GOODS_ORDERINGS = Object.keys(ORDER_COLUMNS).flatMap((k) => [k, `-${k}`]) as GoodsOrdering[];

/** GoodsService: offset paging reaches this many rows at most; also the cap of `total`. */
export const MAX_OFFSET_ROWS = 10_000;
/** GoodsService: deeper than this, a multi-gram search collects instead of walking. */
const SHALLOW_OFFSET = 1000;

/** The columns GoodsRepository selects (its COLUMNS), for by-id and PATCH. */
export const GOODS_COLUMNS = `id, name, description, price::text AS price, stock, category, on_sale, image_url,
  created_by, updated_by, version, created_at, updated_at`;

/**
 * How GoodsService.list reads a page (see its comments): which plan the list query runs
 * under, and whether the capped count must come first (a multi-gram search the planner
 * cannot size) or runs beside the list. A mirror of that method's decisions, kept here
 * until the planning lives in the repository as a pure function this file can import.
 */
export function planList(
  filter: GoodsFilter,
  ordering: GoodsOrdering,
  request: PageRequest,
  knownOverCap: boolean,
): { countFirst: true } | { countFirst: false; plan: ReadPlan } {
  const byName = ordering === 'name' || ordering === '-name';
  const multiGram = filter.search !== undefined && !isSingleGram(filter.search) && filter.category === undefined && !byName;
  const shallow = request.after !== undefined || (request.offset ?? 0) <= SHALLOW_OFFSET;
  if (multiGram && shallow && !knownOverCap) return { countFirst: true };
  const plan: ReadPlan = multiGram && shallow && knownOverCap ? 'walk' : filter.search !== undefined && byName ? 'collect' : 'indexed';
  return { countFirst: false, plan };
}

/** After a count-first: walk the ordering index when the search matches more than the cap. */
export function planAfterCount(count: number): ReadPlan {
  return count > MAX_OFFSET_ROWS ? 'walk' : 'indexed';
}
