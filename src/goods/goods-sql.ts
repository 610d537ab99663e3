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
 * A name's lower-cased unigrams and bigrams: the expression the bigram index
 * `goods_name_grams_expr_idx` is built on (migration 1796190400000). A term of n ≥ 2 characters
 * must contain all of its bigrams (`goods_search_grams`), one of a single character its unigram.
 * Written exactly as the index's expression, or PostgreSQL cannot use the index for it.
 */
const NAME_GRAMS = 'goods_name_grams(name)';

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
 * None runs parallel workers or JIT compilation: a page is a few ms of work among many
 * concurrent requests. The planner charges the cost of testing `goods_name_grams(name)`
 * (COST 250, migration 1796190400000) per row even of a branch that never runs, so a search
 * page's estimate passes `jit_above_cost` (148,000 for 奶's page against 100,000): JIT then
 * spent ~30 ms compiling a query that runs in under 1 ms. And it made the planner split a
 * collect or an index walk over workers that each compute the expression.
 */
export type ReadPlan = 'indexed' | 'walk' | 'collect';

/** What every plan's settings hold: no sequential scan of goods, no parallel workers, no JIT. */
const EVERY_READ = { enable_seqscan: 'off', max_parallel_workers_per_gather: '0', jit: 'off' } as const;

export const PLANNER_SETTINGS: Record<ReadPlan, Readonly<Record<string, string>>> = {
  indexed: EVERY_READ,
  walk: { ...EVERY_READ, enable_bitmapscan: 'off' },
  collect: { ...EVERY_READ, enable_indexscan: 'off' },
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
 * How many index entries a search page walks along its ordering index (reading the name from
 * the index itself) before it gives up and collects its matches through the bigram index
 * instead. By `createdAt` a term's matches are spread along the index the way they were added,
 * so one in 500 names (2,000 matches in a million) is found within ~10,000 entries, and a
 * rarer term costs those entries (a few ms) plus collecting its few matches. By name they
 * are not spread evenly (names holding a word sit together, behind the brands that sort
 * first): a term is walked only when its count is over the cap, and further.
 */
export const WALK_BUDGET = { createdAt: 20_000, nameOverCap: 50_000, inCategory: 10_000 };
/**
 * By name, a counted term is walked when it matches more goods than this, else collected:
 * collecting costs a visit to the table per match (2–12 µs each when the table is not in
 * shared buffers), walking ~0.5 µs per index entry passed, and a term's 21st match by name
 * sits ~15,000–40,000 entries in (behind the Latin brands), so from a few thousand matches on
 * the walk costs less, and the budget bounds it when the matches sit further.
 */
const WALK_NAME_MIN = 3_000;

/**
 * Which plan reads a page.
 * - A search alone, ordered by `createdAt` or `name`, near the start of the list: walked
 *   along the ordering index (index-only: the name is in the index) up to a budget, falling
 *   back to collecting its matches (`buildListQuery` builds both into one statement, read
 *   with `indexed`'s settings). By name the count runs first: over the cap the walk's budget
 *   is WALK_BUDGET.nameOverCap, under it the matches are collected (`collect`) at once.
 * - A multi-gram search the planner cannot size, ordered by price or stock, is walked when it
 *   matches more than the count cap and the page is near the start of the list
 *   (`dependsOnCount`: unless the filter is known to be over the cap, the count runs first and
 *   the page after it); ordered by name with other filters, it is collected.
 * - Anything else is `indexed`.
 * Where the count runs first, the plan is `walk` over the cap and `indexed` or `collect` under
 * it, which `buildListQuery` reads alike (bench/app-sql.ts's planAfterCount relies on it).
 */
export function chooseReadPlan(
  filter: GoodsFilter,
  ordering: GoodsOrdering,
  position: PagePosition,
): { dependsOnCount: boolean; plan(overCap: boolean): ReadPlan } {
  const byName = ordering === 'name' || ordering === '-name';
  const shallow = position.after !== undefined || (position.offset ?? 0) <= SHALLOW_OFFSET;
  if (isAdaptiveSearch(filter, ordering, position)) {
    // A counted term's page finds its count in goods_gram_counts itself; another's, by name, waits for the count.
    const countFirst = byName && !isCountedGram(filter.search!);
    return { dependsOnCount: countFirst, plan: (overCap) => (countFirst ? (overCap ? 'walk' : 'collect') : 'indexed') };
  }
  const multiGram = filter.search !== undefined && !isSingleGram(filter.search) && filter.category === undefined && !byName;
  return {
    dependsOnCount: multiGram && shallow,
    plan: (overCap) => (multiGram && shallow && overCap ? 'walk' : filter.search !== undefined && byName ? 'collect' : 'indexed'),
  };
}

/**
 * Whether goods_gram_counts holds the term's count: one or two characters, or three to five
 * ASCII letters and digits (the SQL tests it again, on PostgreSQL's own lower-casing).
 */
export function isCountedGram(term: string): boolean {
  return isSingleGram(term) || /^[A-Za-z0-9]{3,5}$/.test(term);
}

/** In SQL: whether the term bound as `param` is a gram goods_gram_counts counts. */
const countedGramSql = (param: string) => `(char_length(lower(${param})) <= 2 OR lower(${param}) ~ '^[a-z0-9]{3,5}$')`;

/**
 * A search near the start of the list read by buildSearchPageQuery (one statement: walk, then
 * collect if it must): a search alone ordered by createdAt or name, or a search in a category
 * (and a price range) ordered by createdAt, whose entries in `(category, created_at, id)
 * INCLUDE (name, price)` say all the filter needs.
 */
function isAdaptiveSearch(filter: GoodsFilter, ordering: GoodsOrdering, position: PagePosition): boolean {
  const column = ordering.replace(/^-/, '');
  const shallow = position.after !== undefined || (position.offset ?? 0) <= SHALLOW_OFFSET;
  if (filter.search === undefined || !shallow) return false;
  if (isSearchAlone(filter)) return column === 'createdAt' || column === 'name';
  return column === 'createdAt' && isSearchInCategory(filter);
}

/** The filters given (those not undefined). */
function filtersUsed(filter: GoodsFilter): string[] {
  return Object.entries(filter)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
}

/** A search and nothing else. */
function isSearchAlone(filter: GoodsFilter): boolean {
  return filter.search !== undefined && filtersUsed(filter).length === 1;
}

/** A search in a category, with a price range or not, and nothing else: `(category, …) INCLUDE (name, price)` answers it. */
function isSearchInCategory(filter: GoodsFilter): filter is GoodsFilter & { search: string; category: string } {
  return filter.search !== undefined && filter.category !== undefined && filtersUsed(filter).every((name) => ['search', 'category', 'minPrice', 'maxPrice'].includes(name));
}

export interface SqlQuery {
  sql: string;
  params: unknown[];
  /** The plan whose settings (PLANNER_SETTINGS) it runs under. */
  plan: ReadPlan;
  /**
   * Run as a prepared statement (src/database/prepared-statements.ts): set for reads with no
   * filter (the catalogue's pages, the cursor walk, the total), whose plan is the same
   * whatever their parameters; never for a search or a filter, whose plan depends on them.
   */
  prepare?: boolean;
}

/** A product by id (the primary key): a prepared statement on both servers of the bench. */
export const GOODS_BY_ID_SQL = `SELECT ${GOODS_COLUMNS} FROM goods WHERE id = $1`;

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
    where.push(`${NAME_GRAMS} @> goods_search_grams(${add(filter.search)})`);
    if (!isSingleGram(filter.search)) where.push(likeCondition(filter.search, add(escapeLike(filter.search))));
  }
  if (filter.category !== undefined) where.push(`category = ${add(filter.category)}`);
  if (filter.onSale !== undefined) where.push(`on_sale = ${add(filter.onSale)}`);
  if (filter.minPrice !== undefined) where.push(`price >= ${add(filter.minPrice)}::numeric`);
  if (filter.maxPrice !== undefined) where.push(`price <= ${add(filter.maxPrice)}::numeric`);
  return where;
}

/** One or two characters whose lower case is as long: exactly one gram of NAME_GRAMS. */
export function isSingleGram(term: string): boolean {
  const length = [...term].length;
  return length <= 2 && [...term.toLowerCase()].length === length;
}

/**
 * Whether lower-casing the name cannot change whether it holds `term`: the term is only Han
 * characters, digits and spaces, which no other character lower-cases to and which lower-case
 * to themselves. Then `name LIKE` tests what `lower(name) LIKE` would, without lower-casing
 * every name a walk passes (about half its cost per entry).
 */
function caseless(term: string): boolean {
  return /^[\p{Script=Han}0-9 ]+$/u.test(term);
}

/**
 * The characters outside ASCII that PostgreSQL's `lower()` turns into ASCII: U+0130 (İ → i) and
 * U+212A (the Kelvin sign K → k), and no other (test/goods/goods-list.e2e-spec.ts checks every
 * code point on the test database).
 */
const LOWERED_TO_ASCII = ['\u0130', '\u212a'];

/**
 * `name` holds the term (its escaped pattern bound as `pattern`), lower-cased only when that can
 * matter, and as cheaply as it can be:
 * - Han characters, digits and spaces: `name LIKE`, no lower-casing at all.
 * - Only ASCII: `lower(name COLLATE "C")`, which lower-cases A–Z alone (half the cost of a
 *   lower-casing that looks every character up): an ASCII term can only match ASCII characters
 *   of the lower-cased name, and those come from ASCII characters of the name, lower-cased the
 *   same either way — unless the name holds one of LOWERED_TO_ASCII, tested (byte-wise, cheaply)
 *   before the full `lower(name)` is.
 * - Anything else: `lower(name) LIKE`.
 */
function likeCondition(term: string, pattern: string): string {
  if (caseless(term)) return `name LIKE '%' || ${pattern} || '%'`;
  const full = `lower(name) LIKE '%' || lower(${pattern}) || '%'`;
  if (!/^[\x20-\x7e]+$/.test(term)) return full;
  const lowered = LOWERED_TO_ASCII.map((c) => `name LIKE '%${c}%'`).join(' OR ');
  return `(lower(name COLLATE "C") LIKE '%' || lower(${pattern}) || '%' OR ((${lowered}) AND ${full}))`;
}

/** The list query: filters, keyset or offset, ORDER BY the ordering column then id, LIMIT; each row with its `sort_key`. */
export function buildListQuery(filter: GoodsFilter, ordering: GoodsOrdering, position: PagePosition, limit: number, plan: ReadPlan = 'indexed'): SqlQuery {
  if (isAdaptiveSearch(filter, ordering, position)) {
    const byName = ordering.replace(/^-/, '') === 'name';
    if (filter.category !== undefined) return buildSearchPageQuery(filter, ordering, position, limit, WALK_BUDGET.inCategory);
    if (isCountedGram(filter.search!)) return buildSearchPageQuery(filter, ordering, position, limit, 'counted');
    return buildSearchPageQuery(filter, ordering, position, limit, byName ? (plan === 'walk' ? WALK_BUDGET.nameOverCap : 0) : WALK_BUDGET.createdAt);
  }
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
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const indexOnly = filter.search === undefined && filter.minPrice === undefined && filter.maxPrice === undefined && !(filter.category !== undefined && filter.onSale !== undefined);
  if (position.offset && indexOnly) {
    // A deferred join: the skipped rows are read from the (filter, column, id) index alone
    // (index-only, no heap visit), and only the page's rows from the table, by id.
    params.push(limit, position.offset);
    const sql =
      `SELECT ${GOODS_COLUMNS}, ${key} AS sort_key FROM goods JOIN ` +
      `(SELECT id FROM goods${whereSql} ORDER BY ${column} ${dir}, id ${dir} LIMIT $${params.length - 1} OFFSET $${params.length}) page USING (id) ` +
      `ORDER BY goods.${column} ${dir}, goods.id ${dir}`;
    return { sql, params, plan, prepare: unfiltered(filter) };
  }
  params.push(limit);
  let sql = `SELECT ${GOODS_COLUMNS}, ${key} AS sort_key FROM goods${whereSql}`;
  // Qualified: a bare `price` in ORDER BY would name the output column `price::text AS price`.
  sql += ` ORDER BY goods.${column} ${dir}, goods.id ${dir} LIMIT $${params.length}`;
  if (position.offset) {
    params.push(position.offset);
    sql += ` OFFSET $${params.length}`;
  }
  return { sql, params, plan, prepare: unfiltered(filter) };
}

/** No filter at all: the plan of such a read does not depend on its parameters (SqlQuery.prepare). */
function unfiltered(filter: GoodsFilter): boolean {
  return filtersUsed(filter).length === 0;
}

/**
 * A page of a search alone, ordered by createdAt or name, in one statement:
 * - `walked`: the first `budget` entries of the ordering index, read index-only (the name is
 *   in the index: `(created_at, id) INCLUDE (name)`, `(name, id)`), filtered by the name,
 *   stopping at the page's last row. A common term fills the page within a few hundred entries.
 * - `matched`: only when the walk did not fill the page (a rare term, or names clustered
 *   further along the index): every match, collected through the bigram index.
 * - the page's rows are then read by id.
 * Runs under `indexed`'s settings (no sequential scan; the walk and the collect each take the
 * only plan their shape allows).
 */
function buildSearchPageQuery(filter: GoodsFilter, ordering: GoodsOrdering, position: PagePosition, limit: number, budget: number | 'counted'): SqlQuery {
  const search = filter.search!;
  const params: unknown[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const descending = ordering.startsWith('-');
  const { column, type, key } = ORDER_COLUMNS[ordering.replace(/^-/, '')];
  const dir = descending ? 'DESC' : 'ASC';
  // The LIKE's pattern is bound on first use (an unused parameter has no type PostgreSQL can infer).
  let pattern: string | undefined;
  const like = () => {
    pattern ??= add(escapeLike(search));
    return likeCondition(search, pattern);
  };
  const term = add(search);
  const grams = `${NAME_GRAMS} @> goods_search_grams(${term})${isSingleGram(search) ? '' : ` AND ${like()}`}`;
  let after = position.after
    ? ` AND (${column}, id) ${descending ? '<' : '>'} (${add(position.after.value)}::${type}, ${add(position.after.id)}::uuid)`
    : '';
  // In a category: the walk reads that category's entries; the price range is tested on each (the index holds the price).
  let tested = '';
  if (filter.category !== undefined) after += ` AND category = ${add(filter.category)}`;
  if (filter.minPrice !== undefined) tested += ` AND price >= ${add(filter.minPrice)}::numeric`;
  if (filter.maxPrice !== undefined) tested += ` AND price <= ${add(filter.maxPrice)}::numeric`;
  const offset = position.offset ?? 0;
  const page = (from: string) =>
    `SELECT ${GOODS_COLUMNS}, ${key} AS sort_key FROM goods JOIN ` +
    `(SELECT id, k FROM ${from} ORDER BY k ${dir}, id ${dir} LIMIT ${add(limit)} OFFSET ${add(offset)}) page USING (id) ` +
    `ORDER BY goods.${column} ${dir}, goods.id ${dir}`;
  const matched = (gate = '') => `matched AS MATERIALIZED (SELECT id, ${column} AS k FROM goods WHERE ${grams}${after}${tested}${gate})`;
  if (budget === 0) {
    // Nothing to walk: collect (through the bigram index alone, under `collect`'s settings) and sort.
    return { sql: `WITH ${matched()} ${page('matched')}`, params, plan: 'collect' };
  }
  const need = add(limit + offset);
  let matchedGate = '';
  // A counted term's budget, from its count: by createdAt, walked when its matches are dense
  // enough to fill the page within two thirds of the budget (spread evenly), else collected at
  // once; by name, walked from WALK_NAME_MIN matches on. Another term's is fixed by the plan.
  let walkLimit: string;
  if (budget === 'counted') {
    const count = `coalesce((SELECT goods FROM goods_gram_counts WHERE gram = lower(${term}) AND ${countedGramSql(term)}), 0)`;
    const byName = column === 'name';
    const walkBudget = add(byName ? WALK_BUDGET.nameOverCap : WALK_BUDGET.createdAt);
    const enough = byName
      ? `${count} > ${add(WALK_NAME_MIN)}::int`
      : `${count}::float8 * ${walkBudget}::int >= 1.5 * ${need}::int * (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'goods'::regclass)`;
    walkLimit = `(SELECT CASE WHEN ${enough} THEN ${walkBudget}::int ELSE 0 END)`;
    // Nothing to collect when nothing matches (the bigram index may still offer candidates).
    matchedGate = ` AND ${count} > 0`;
  } else {
    walkLimit = add(budget);
  }
  const walked =
    `walked AS MATERIALIZED (SELECT id, ${column} AS k FROM (SELECT id, ${column === 'name' ? 'name' : `${column}, name`}${tested ? ', price' : ''} FROM goods WHERE true${after} ` +
    `ORDER BY ${column} ${dir}, id ${dir} LIMIT ${walkLimit}) w WHERE ${like()}${tested} LIMIT ${need})`;
  // The walk's rows when it found the page's last row, else every match; the other branch never runs.
  const picked =
    `picked AS (SELECT id, k FROM walked WHERE (SELECT count(id) FROM walked) >= ${need} ` +
    `UNION ALL SELECT id, k FROM matched WHERE (SELECT count(id) FROM walked) < ${need})`;
  const sql = `WITH ${walked}, ${matched(matchedGate)}, ${picked} ${page('picked')}`;
  return { sql, params, plan: 'indexed' };
}

/**
 * Counts matches up to `cap` and no further, so a count never costs a scan of the whole table.
 * A search alone that is one counted gram — one or two characters, or three to five ASCII
 * letters and digits, as PostgreSQL lower-cases it — is read from `goods_gram_counts` (kept
 * exact by triggers, migration 1796190100000-goods-gram-counts.ts): one index lookup instead
 * of a visit to every match.
 */
export function buildCountQuery(filter: GoodsFilter, cap: number): SqlQuery {
  const params: unknown[] = [];
  const where = whereClause(filter, params);
  params.push(cap);
  const capParam = `$${params.length}::int`;
  const capped = `FROM (SELECT 1 FROM goods${where.length ? ` WHERE ${where.join(' AND ')}` : ''} LIMIT ${capParam}) capped`;
  if (isSearchInCategory(filter)) return buildCategoryCountQuery(filter, cap);
  if (isSearchAlone(filter)) {
    // whereClause bound the term first: $1.
    const sql =
      `SELECT (CASE WHEN ${countedGramSql('$1')} ` +
      `THEN least(coalesce((SELECT goods FROM goods_gram_counts WHERE gram = lower($1)), 0), ${capParam}) ` +
      `ELSE (SELECT count(*) ${capped}) END)::int AS n`;
    return { sql, params, plan: 'indexed' };
  }
  return { sql: `SELECT count(*)::int AS n ${capped}`, params, plan: 'indexed', prepare: unfiltered(filter) };
}

/**
 * The count of a search in a category (and a price range), up to `cap`.
 * - A counted term (isCountedGram, tested again in SQL): the price buckets wholly inside the
 *   range are summed from `goods_gram_price_counts` (migration 1796190300000, kept exact by
 *   triggers like goods_gram_counts), and the goods of the at most two buckets the range cuts
 *   are counted in `(category, price, id) INCLUDE (name)` alone (index-only), each cut from its
 *   narrower side (`pricePartition`). Once the whole buckets alone reach the cap, the cuts are
 *   not read.
 * - Another term: the category's entries in the range, tested by name, in that index alone,
 *   until `cap` match.
 * Runs under `walk`'s settings (no bitmap: each scan reads the index only).
 */
function buildCategoryCountQuery(filter: GoodsFilter & { search: string; category: string }, cap: number): SqlQuery {
  const params: unknown[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const category = add(filter.category);
  const like = likeCondition(filter.search, add(escapeLike(filter.search)));
  const capParam = `${add(cap)}::int`;
  const inRange = [`category = ${category}`];
  if (filter.minPrice !== undefined) inRange.push(`price >= ${add(filter.minPrice)}::numeric`);
  if (filter.maxPrice !== undefined) inRange.push(`price <= ${add(filter.maxPrice)}::numeric`);
  const capped = `FROM (SELECT 1 FROM goods WHERE ${[...inRange, like].join(' AND ')} LIMIT ${capParam}) capped`;
  // (goods_gram_price_counts leaves out grams that start or end with a space: a trimmed term is never one.)
  if (!isCountedGram(filter.search) || /^ | $/.test(filter.search)) return { sql: `SELECT count(*)::int AS n ${capped}`, params, plan: 'walk' };

  const term = add(filter.search);
  const counts = `FROM goods_gram_price_counts WHERE gram = lower(${term}) AND category = ${category}`;
  const part = ({ from, to }: PriceSpan) =>
    `(SELECT count(*) FROM goods WHERE category = ${category} AND price >= ${add(decimalOfCents(from))}::numeric` +
    `${to === null ? '' : ` AND price < ${add(decimalOfCents(to))}::numeric`} AND ${like})`;
  const { whole, cuts } = pricePartition(filter.minPrice, filter.maxPrice);
  const wholeSum = whole
    ? `coalesce((SELECT sum(goods) ${counts} AND bucket >= ${add(whole.from)}${whole.to === null ? '' : ` AND bucket < ${add(whole.to)}`}), 0)`
    : '0';
  const cutSql = cuts.map((cut) =>
    'scan' in cut ? part(cut.scan) : `(coalesce((SELECT goods ${counts} AND bucket = ${add(cut.bucket)}), 0)${cut.minus.map((span) => ` - ${part(span)}`).join('')})`,
  );
  const bucketed = `(SELECT CASE WHEN w.n >= ${capParam} THEN ${capParam} ELSE least(w.n${cutSql.map((c) => ` + ${c}`).join('')}, ${capParam}) END FROM (SELECT ${wholeSum} AS n) w)`;
  return { sql: `SELECT (CASE WHEN ${countedGramSql(term)} THEN ${bucketed} ELSE (SELECT count(*) ${capped}) END)::int AS n`, params, plan: 'walk' };
}

/** Prices from `from` cents on, below `to` cents (no upper bound when null). */
export interface PriceSpan {
  from: number;
  to: number | null;
}

/** A part of a price range that cuts a bucket: its goods counted directly, or as the bucket's count minus the rest of it. */
export type PriceCut = { scan: PriceSpan } | { bucket: number; minus: PriceSpan[] };

/**
 * The price bucket holding a price of `yuan` whole yuan, as `goods_price_bucket` (migration
 * 1796190300000) has it: whole yuan, one significant digit — [0, 1), [1, 2) … [9, 10),
 * [10, 20) … [90, 100), [100, 200) … Its first yuan and its width in yuan.
 */
export function priceBucket(yuan: number): { start: number; width: number } {
  const width = 10 ** (String(yuan).length - 1);
  return { start: Math.floor(yuan / width) * width, width };
}

/** Cents of a decimal string of at most two decimals (validated: at most 9,999,999,999.99). */
function centsOf(decimal: string): number {
  const [units, fraction = ''] = decimal.split('.');
  return Number(units) * 100 + Number(fraction.padEnd(2, '0'));
}

const decimalOfCents = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/**
 * An inclusive price range (either end optional) as the buckets wholly inside it (`whole`:
 * bucket starts in yuan, `to` exclusive, null for no end) and the parts of the at most two
 * buckets it cuts, each counted from its narrower side: the part itself, or the bucket's count
 * minus the part outside the range.
 */
export function pricePartition(minPrice: string | undefined, maxPrice: string | undefined): { whole: { from: number; to: number | null } | null; cuts: PriceCut[] } {
  const low = minPrice === undefined ? 0 : centsOf(minPrice);
  // The first price past the range, in cents.
  const end = maxPrice === undefined ? null : centsOf(maxPrice) + 1;
  const lowBucket = priceBucket(Math.floor(low / 100));
  const lowStart = lowBucket.start * 100;
  const lowEnd = (lowBucket.start + lowBucket.width) * 100;
  const wholeFrom = low === lowStart ? low : lowEnd;
  if (end === null) {
    const cuts: PriceCut[] = low === lowStart ? [] : [cutOf(lowBucket.start, lowStart, lowEnd, low, lowEnd)];
    return { whole: { from: wholeFrom / 100, to: null }, cuts };
  }
  const endBucket = priceBucket(Math.floor(end / 100));
  const endStart = endBucket.start * 100;
  const endEnd = (endBucket.start + endBucket.width) * 100;
  if (wholeFrom > endStart) {
    // Both ends inside one bucket.
    return { whole: null, cuts: [cutOf(lowBucket.start, lowStart, lowEnd, low, end)] };
  }
  const cuts: PriceCut[] = [];
  if (low !== lowStart) cuts.push(cutOf(lowBucket.start, lowStart, lowEnd, low, lowEnd));
  if (end !== endStart) cuts.push(cutOf(endBucket.start, endStart, endEnd, endStart, end));
  return { whole: wholeFrom < endStart ? { from: wholeFrom / 100, to: endStart / 100 } : null, cuts };
}

/** The part [from, to) of the bucket [start, end) (cents; `bucket` its first yuan), from its narrower side. */
function cutOf(bucket: number, start: number, end: number, from: number, to: number): PriceCut {
  if (to - from <= end - start - (to - from)) return { scan: { from, to } };
  const minus: PriceSpan[] = [];
  if (from > start) minus.push({ from: start, to: from });
  if (to < end) minus.push({ from: to, to: end });
  return { bucket, minus };
}
