/**
 * What each scenario sends. Pure: the load generator (its own process) builds its requests
 * from these, and the correctness check builds one of each to compare the two servers' answers.
 */

export type ScenarioId =
  | 'by-id'
  | 'login'
  | 'list'
  | 'search-mixed'
  | 'search-zh'
  | 'search-en'
  | 'search-filtered'
  | 'search-by-name'
  | 'cursor-walk'
  | 'patch';

export interface ScenarioData {
  /** Goods ids to read. */
  ids: string[];
  /** Goods ids the PATCH scenario writes (another sample, so reads see no writes). */
  patchIds: string[];
  /** Cursors (default ordering) at random places of the catalogue, where cursor walks start. */
  walkStarts: string[];
  userToken: string;
  staffToken: string;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: string;
  token: 'user' | 'staff' | null;
}

export interface Gen {
  rnd: () => number;
  data: ScenarioData;
  /** A login code never used before (unique per run, target and request). */
  freshCode: () => string;
}

export interface Scenario {
  id: ScenarioId;
  title: string;
  /** The next request. A cursor walk passes the cursor the previous page of this connection answered (null: start afresh). */
  next(gen: Gen, cursor?: string | null): RequestSpec;
  /** Follows `nextCursor` from page to page, per connection. */
  walk?: boolean;
}

/** One- and two-character Chinese words: the common case of a Chinese shop's search box. Common and rare ones. */
export const ZH_TERMS = ['奶', '茶', '苹果', '牛奶', '酸奶', '鱼', '面', '巧克', '坚果', '咖啡', '有机', '进口', '蜂蜜', '榴莲', '猫', '虾', '米', '酱', '新疆', '纸'];
/** Three- to five-letter English fragments, as people type them (`choc`, `ana`); `mint` finds nothing, as some searches do. */
export const EN_TERMS = ['choc', 'ana', 'milk', 'tea', 'juice', 'nut', 'oat', 'chip', 'crab', 'soap', 'rice', 'wine', 'berry', 'mint', 'lemon', 'cola', 'salm', 'Cake', 'dove', 'PORK'];
export const MIXED_TERMS = [...ZH_TERMS, ...EN_TERMS];
/** A term and a category it belongs to, for search + category + price range. */
export const FILTERED_SEARCHES: [string, string][] = [
  ['奶', '乳品'], ['苹果', '水果'], ['choc', '零食'], ['tea', '饮料'], ['鱼', '水产'], ['oil', '粮油'], ['牛', '肉禽'], ['洗', '个护'],
  ['纸', '家清'], ['milk', '乳品'], ['咖啡', '饮料'], ['进口', '水果'], ['berry', '水果'], ['充电', '数码'], ['猫', '宠物'],
];
/** Pages a cursor walk follows before it starts again elsewhere. */
export const WALK_PAGES = 25;
const PRICE_FLOORS = ['0', '5', '10', '20', '50'];
const PRICE_SPANS = [20, 50, 100, 500];

const pick = <T>(gen: Gen, list: readonly T[]): T => list[Math.floor(gen.rnd() * list.length)];
const query = (params: Record<string, string>) => `/api/goods?${new URLSearchParams(params).toString()}`;

export const SCENARIOS: Scenario[] = [
  { id: 'by-id', title: 'GET /api/goods/:id', next: (g) => ({ method: 'GET', path: `/api/goods/${pick(g, g.data.ids)}`, token: 'user' }) },
  {
    id: 'login',
    title: 'WeChat login, new user each time',
    next: (g) => ({ method: 'POST', path: '/api/auth/wechat/login', body: JSON.stringify({ code: g.freshCode() }), token: null }),
  },
  { id: 'list', title: 'list, page 1–50', next: (g) => ({ method: 'GET', path: query({ page: String(1 + Math.floor(g.rnd() * 50)) }), token: 'user' }) },
  { id: 'search-mixed', title: 'search, mixed zh 1–2 chars + en 3–5 letters', next: (g) => ({ method: 'GET', path: query({ search: pick(g, MIXED_TERMS) }), token: 'user' }) },
  { id: 'search-zh', title: 'search, Chinese 1–2 chars', next: (g) => ({ method: 'GET', path: query({ search: pick(g, ZH_TERMS) }), token: 'user' }) },
  { id: 'search-en', title: 'search, English 3–5 letters', next: (g) => ({ method: 'GET', path: query({ search: pick(g, EN_TERMS) }), token: 'user' }) },
  {
    id: 'search-filtered',
    title: 'search + category + price range',
    next: (g) => {
      const [search, category] = pick(g, FILTERED_SEARCHES);
      const min = pick(g, PRICE_FLOORS);
      const max = String(Number(min) + pick(g, PRICE_SPANS));
      return { method: 'GET', path: query({ search, category, minPrice: min, maxPrice: max }), token: 'user' };
    },
  },
  {
    id: 'search-by-name',
    title: 'search, ordering=name',
    next: (g) => ({ method: 'GET', path: query({ search: pick(g, MIXED_TERMS), ordering: 'name' }), token: 'user' }),
  },
  {
    id: 'cursor-walk',
    title: 'cursor walk (follows nextCursor)',
    walk: true,
    // From a random place (so the two servers read different pages and neither finds them
    // cached by the other), WALK_PAGES pages on, then somewhere else.
    next: (g, cursor) => ({ method: 'GET', path: query({ cursor: cursor ?? pick(g, g.data.walkStarts) }), token: 'user' }),
  },
  {
    id: 'patch',
    title: 'PATCH /api/goods/:id (staff)',
    next: (g) => ({
      method: 'PATCH',
      path: `/api/goods/${pick(g, g.data.patchIds)}`,
      body: JSON.stringify({ stock: Math.floor(g.rnd() * 1000), price: Math.floor(g.rnd() * 100000) / 100 }),
      token: 'staff',
    }),
  },
];

export const SCENARIO_IDS = SCENARIOS.map((s) => s.id);

export function scenarioById(id: string): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown scenario ${id} (known: ${SCENARIO_IDS.join(', ')})`);
  return found;
}
