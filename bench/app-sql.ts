/**
 * The one place where the bench's baseline server takes the app's goods SQL: the pure SQL
 * builders, the planner settings, the cursor format and the count cache. The baseline runs
 * exactly these statements, so the bench measures what the framework costs around them, not
 * a different query.
 *
 * Re-point here when the goods module moves (the builders go to src/goods/goods-sql.ts, the
 * list planning into the repository): nothing else in bench/ imports src/goods.
 */
import { SystemClock } from '../src/common/clock';
import { CappedCountCache as AppCappedCountCache } from '../src/goods/capped-count-cache';
import type { GoodsOrdering } from '../src/goods/dto/list-goods.query';
import type { GoodsFilter, Keyset, PagePosition } from '../src/goods/goods-cursor';
import { chooseReadPlan, ORDER_COLUMNS, PLANNER_SETTINGS, ReadPlan } from '../src/goods/goods-sql';

export { buildCountQuery, buildListQuery, GOODS_BY_ID_SQL, GOODS_COLUMNS, isSingleGram, ORDER_COLUMNS, PLANNER_SETTINGS } from '../src/goods/goods-sql';
// Prepared as the app prepares them (a product by id, the reads with no filter).
export { statement } from '../src/database/prepared-statements';
export type { ReadPlan, SqlQuery } from '../src/goods/goods-sql';
export { decodeCursor, encodeCursor, filterFingerprint } from '../src/goods/goods-cursor';
export type { GoodsFilter, Keyset };
export type { GoodsOrdering };
/** Where a page starts: an offset or a keyset (the app's PagePosition). */
export type PageRequest = PagePosition;

/** The app's count cache on the real clock. */
export class CappedCountCache extends AppCappedCountCache {
  constructor(ttlMs: number) {
    super(ttlMs, new SystemClock());
  }
}

/** `-c name=value` startup options of a plan's settings (what the app's read pools start their connections with). */
export function startupOptions(plan: ReadPlan): string {
  return Object.entries(PLANNER_SETTINGS[plan])
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
}

/** The `ordering` values the list accepts: each ordering column, ascending or descending (ListGoodsQueryDto's whitelist). */
export const GOODS_ORDERINGS = Object.keys(ORDER_COLUMNS).flatMap((k) => [k, `-${k}`]) as GoodsOrdering[];

/** GoodsService: offset paging reaches this many rows at most; also the cap of `total`. */
export const MAX_OFFSET_ROWS = 10_000;
/**
 * How the app reads a page (GoodsRepository.listPage through the pure chooseReadPlan): the
 * plan of the list query, and whether the capped count must come first.
 */
export function planList(
  filter: GoodsFilter,
  ordering: GoodsOrdering,
  request: PageRequest,
  knownOverCap: boolean,
): { countFirst: true } | { countFirst: false; plan: ReadPlan } {
  const choice = chooseReadPlan(filter, ordering, request);
  if (choice.dependsOnCount && !knownOverCap) return { countFirst: true };
  return { countFirst: false, plan: choice.plan(knownOverCap) };
}

/**
 * After a count-first: `walk` when the search matches more than the cap, else `indexed`.
 * chooseReadPlan answers the same where it counts first (`walk` over the cap; under it
 * `indexed`, or `collect` for a search by name, which buildListQuery reads as `indexed`
 * there), so both servers run the same statement.
 */
export function planAfterCount(count: number): ReadPlan {
  return count > MAX_OFFSET_ROWS ? 'walk' : 'indexed';
}
