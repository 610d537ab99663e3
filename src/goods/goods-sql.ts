import { escapeLike } from '../database/sql';
import type { GoodsOrdering } from './dto/list-goods.query';
import type { GoodsFilter, PagePosition } from './goods-cursor';

/**
 * The SQL of the catalogue's list and count, the plan a page is read with, and the
 * planner settings each runs under. Pure functions: GoodsRepository runs what they build, the EXPLAIN tests
 * (test/goods/goods-plans.e2e-spec.ts) plan exactly the same, and the bench reads
 * ORDER_COLUMNS.
 */

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

/** The goods columns every read returns (price as its exact decimal text). */
export const GOODS_COLUMNS = `id, name, description, price::text AS price, stock, category, on_sale, image_url, images,
  created_by, updated_by, version, created_at, updated_at`;

/**
 * How the catalogue's reads are planned. Each list and count runs on a connection that
 * starts with these settings (ReadPools: no `SET` round trip per read), and the EXPLAIN tests
 * plan the same SQL under the same settings.
 * - `indexed`: never a sequential scan of goods. Every filter, ordering and count has an
 *   index; left to itself the planner takes a seq scan whenever its estimates say a LIMIT
 *   will be met soon (or when the table was not vacuumed lately), which at a million rows
 *   means reading most of the table when the rows it looks for are not spread evenly.
 * - `walk`: read the ordering's index in order and filter as it goes, never collect through
 *   the bigram index. PostgreSQL estimates a multi-gram search as if its grams were
 *   independent (三文 and 文鱼 each in 2% of names → 0.04%), so for a term that in fact
 *   matches thousands of rows it would collect and sort every match; walking the index
 *   stops after about pageSize / density rows — when the matches are spread evenly along
 *   the ordering.
 * - `collect`: collect the matches through the bigram index (a bitmap) and sort them, never
 *   walk an ordering index: costs what the number of matches costs, whatever their order.
 *   Names holding a word are not spread evenly along the name order (`优质苹果 …` sit
 *   together, and so do the names before them), so walking the name index can pass half
 *   the table before its first match.
 */
export type ReadPlan = 'indexed' | 'walk' | 'collect';

export const PLANNER_SETTINGS: Record<ReadPlan, Readonly<Record<string, string>>> = {
  indexed: { enable_seqscan: 'off' },
  walk: { enable_seqscan: 'off', enable_bitmapscan: 'off', max_parallel_workers_per_gather: '0' },
  collect: { enable_seqscan: 'off', enable_indexscan: 'off' },
};

/** The same settings as `SET LOCAL` statements, for running a plan's SQL inside a transaction (the EXPLAIN tests). */
export function setLocalStatements(plan: ReadPlan): string {
  return Object.entries(PLANNER_SETTINGS[plan])
    .map(([name, value]) => `SET LOCAL ${name} = ${value}`)
    .join('; ');
}

/** Deeper than this, walking the ordering index past the skipped matches costs more than collecting them. */
const SHALLOW_OFFSET = 1000;

/**
 * Which plan reads a page. Ordered by name, a search collects its matches and sorts them.
 * A multi-gram search the planner cannot size is walked when it matches more than the
 * count cap and the page is near the start of the list (`dependsOnCount`: unless the
 * filter is known to be over the cap, the count runs first and the page after it).
 * Anything else is `indexed`.
 */
export function chooseReadPlan(
  filter: GoodsFilter,
  ordering: GoodsOrdering,
  position: PagePosition,
): { dependsOnCount: boolean; plan(overCap: boolean): ReadPlan } {
  const byName = ordering === 'name' || ordering === '-name';
  const multiGram = filter.search !== undefined && !isSingleGram(filter.search) && filter.category === undefined && !byName;
  const shallow = position.after !== undefined || (position.offset ?? 0) <= SHALLOW_OFFSET;
  return {
    dependsOnCount: multiGram && shallow,
    plan: (overCap) => (multiGram && shallow && overCap ? 'walk' : filter.search !== undefined && byName ? 'collect' : 'indexed'),
  };
}

export interface SqlQuery {
  sql: string;
  params: unknown[];
  /** The plan whose settings (PLANNER_SETTINGS) it runs under. */
  plan: ReadPlan;
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

/** The list query: filters, keyset or offset, ORDER BY the ordering column then id, LIMIT; each row with its `sort_key`. */
export function buildListQuery(filter: GoodsFilter, ordering: GoodsOrdering, position: PagePosition, limit: number, plan: ReadPlan = 'indexed'): SqlQuery {
  const params: unknown[] = [];
  const where = whereClause(filter, params);
  const descending = ordering.startsWith('-');
  const { column, type, key } = ORDER_COLUMNS[ordering.replace(/^-/, '')];
  const dir = descending ? 'DESC' : 'ASC';
  if (position.after) {
    params.push(position.after.value, position.after.id);
    // A row comparison the (column, id) index answers directly: the page starts right after the last row seen.
    where.push(`(${column}, id) ${descending ? '<' : '>'} ($${params.length - 1}::${type}, $${params.length}::uuid)`);
  }
  params.push(limit);
  let sql = `SELECT ${GOODS_COLUMNS}, ${key} AS sort_key FROM goods`;
  if (where.length) sql += ` WHERE ${where.join(' AND ')}`;
  // Qualified: a bare `price` in ORDER BY would name the output column `price::text AS price`.
  sql += ` ORDER BY goods.${column} ${dir}, goods.id ${dir} LIMIT $${params.length}`;
  if (position.offset) {
    params.push(position.offset);
    sql += ` OFFSET $${params.length}`;
  }
  return { sql, params, plan };
}

/** Counts matches up to `cap` and no further, so a count never costs a scan of the whole table. */
export function buildCountQuery(filter: GoodsFilter, cap: number): SqlQuery {
  const params: unknown[] = [];
  const where = whereClause(filter, params);
  params.push(cap);
  const sql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM goods${where.length ? ` WHERE ${where.join(' AND ')}` : ''} LIMIT $${params.length}) capped`;
  return { sql, params, plan: 'indexed' };
}
