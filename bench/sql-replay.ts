/**
 * Replays the SQL of the bench's goods scenarios one request at a time, with nothing else
 * around it: what PostgreSQL spends per request, apart from any HTTP framework. Each request
 * is built by the scenario itself (bench/scenarios.ts), turned into a filter, ordering and
 * page, and read exactly as GoodsRepository.listPage reads it (the plan choice, the count
 * first or not, the over-cap count cache; through bench/app-sql.ts like the baseline server),
 * but its statements run one after the other, so the sum of their times is about the
 * database's work for that request.
 *
 *   npm run build && node dist/bench/sql-replay.js [--db URL] [--requests 300] [--warmup 50]
 *     [--only list,search-en] [--terms] [--count-cache-seconds 10] [--seconds 30]
 *
 * `--terms` also prints each term's statements (count, page) with its plan and time.
 * Read-only: it never writes.
 */
import { Pool } from 'pg';
import { prng } from './catalogue';
import {
  buildCountQuery,
  buildListQuery,
  CappedCountCache,
  filterFingerprint,
  GoodsFilter,
  GoodsOrdering,
  MAX_OFFSET_ROWS,
  PageRequest,
  planAfterCount,
  planList,
  ReadPlan,
  SqlQuery,
  startupOptions,
} from './app-sql';
import { Gen, scenarioById, ScenarioData, ScenarioId } from './scenarios';

const PAGE_SIZE = 20;
const SCENARIOS: ScenarioId[] = ['list', 'search-zh', 'search-en', 'search-mixed', 'search-filtered', 'search-by-name'];

interface Options {
  db: string;
  requests: number;
  warmup: number;
  seconds: number;
  only: ScenarioId[];
  terms: boolean;
  countCacheSeconds: number;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    db: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wxmall_bench',
    requests: 300,
    warmup: 50,
    seconds: 30,
    only: SCENARIOS,
    terms: false,
    countCacheSeconds: 10,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--db') o.db = value();
    else if (arg === '--requests') o.requests = Number(value());
    else if (arg === '--warmup') o.warmup = Number(value());
    else if (arg === '--seconds') o.seconds = Number(value());
    else if (arg === '--only') o.only = value().split(',') as ScenarioId[];
    else if (arg === '--terms') o.terms = true;
    else if (arg === '--count-cache-seconds') o.countCacheSeconds = Number(value());
    else throw new Error(`unknown option ${arg}`);
  }
  return o;
}

/** What the app's list validation makes of a scenario's query string (the parts these scenarios use). */
function parseRequest(path: string): { filter: GoodsFilter; ordering: GoodsOrdering; position: PageRequest } {
  const params = new URLSearchParams(path.slice(path.indexOf('?') + 1));
  const search = params.get('search')?.trim();
  const filter: GoodsFilter = {
    search: search ? search : undefined,
    category: params.get('category') ?? undefined,
    minPrice: params.get('minPrice') ?? undefined,
    maxPrice: params.get('maxPrice') ?? undefined,
  };
  const ordering = (params.get('ordering') ?? '-createdAt') as GoodsOrdering;
  const page = Number(params.get('page') ?? 1);
  return { filter, ordering, position: { offset: (page - 1) * PAGE_SIZE } };
}

interface Step {
  kind: 'count' | 'page';
  plan: ReadPlan;
  ms: number;
  rows: number;
}

class Replayer {
  private readonly pools = new Map<ReadPlan, Pool>();
  private readonly overCap: CappedCountCache;

  constructor(private readonly o: Options) {
    this.overCap = new CappedCountCache(o.countCacheSeconds * 1000);
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end()));
  }

  private async run(kind: Step['kind'], query: SqlQuery, steps: Step[]): Promise<Record<string, unknown>[]> {
    let pool = this.pools.get(query.plan);
    if (!pool) {
      pool = new Pool({ connectionString: this.o.db, max: 1, options: startupOptions(query.plan), application_name: 'wxmall-sql-replay' });
      this.pools.set(query.plan, pool);
    }
    const start = process.hrtime.bigint();
    const { rows } = await pool.query(query.sql, query.params);
    steps.push({ kind, plan: query.plan, ms: Number(process.hrtime.bigint() - start) / 1e6, rows: rows.length });
    return rows;
  }

  /** One list request, as GoodsRepository.listPage reads it, its statements in sequence. */
  async request(filter: GoodsFilter, ordering: GoodsOrdering, position: PageRequest): Promise<Step[]> {
    const steps: Step[] = [];
    const key = filterFingerprint(filter);
    const knownOverCap = this.overCap.isOverCap(key);
    const decision = planList(filter, ordering, position, knownOverCap);
    const countQuery = buildCountQuery(filter, MAX_OFFSET_ROWS + 1);
    let count: number;
    if (decision.countFirst) {
      count = (await this.run('count', countQuery, steps))[0].n as number;
      await this.run('page', buildListQuery(filter, ordering, position, PAGE_SIZE + 1, planAfterCount(count)), steps);
    } else {
      await this.run('page', buildListQuery(filter, ordering, position, PAGE_SIZE + 1, decision.plan), steps);
      count = knownOverCap ? MAX_OFFSET_ROWS + 1 : ((await this.run('count', countQuery, steps))[0].n as number);
    }
    if (!knownOverCap && count > MAX_OFFSET_ROWS) this.overCap.rememberOverCap(key);
    return steps;
  }
}

const DATA: ScenarioData = { ids: [], patchIds: [], walkStarts: [], userToken: '', staffToken: '' };

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 1);

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const replayer = new Replayer(o);
  const lines = ['| scenario | requests | mean ms | p50 ms | p99 ms | max ms | statements/request |', '|---|---:|---:|---:|---:|---:|---:|'];
  try {
    for (const id of o.only) {
      const scenario = scenarioById(id);
      const gen: Gen = { rnd: prng(42), data: DATA, freshCode: () => '' };
      const totals: number[] = [];
      const perTerm = new Map<string, { ms: number[]; steps: Map<string, number[]> }>();
      let statements = 0;
      let deadline = Infinity;
      for (let i = 0; i < o.warmup + o.requests; i++) {
        if (i === o.warmup) deadline = Date.now() + o.seconds * 1000;
        if (Date.now() > deadline) break;
        const { path } = scenario.next(gen);
        const { filter, ordering, position } = parseRequest(path);
        const steps = await replayer.request(filter, ordering, position);
        if (i < o.warmup) continue;
        const ms = steps.reduce((sum, s) => sum + s.ms, 0);
        totals.push(ms);
        statements += steps.length;
        const term = decodeURIComponent(path.slice(path.indexOf('?') + 1));
        const entry = perTerm.get(term) ?? { ms: [] as number[], steps: new Map<string, number[]>() };
        entry.ms.push(ms);
        for (const s of steps) {
          const k = `${s.kind}:${s.plan}`;
          entry.steps.set(k, [...(entry.steps.get(k) ?? []), s.ms]);
        }
        perTerm.set(term, entry);
      }
      totals.sort((a, b) => a - b);
      const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
      const line = `| ${id} | ${totals.length} | ${fmt(mean)} | ${fmt(quantile(totals, 0.5))} | ${fmt(quantile(totals, 0.99))} | ${fmt(totals[totals.length - 1])} | ${(statements / totals.length).toFixed(2)} |`;
      lines.push(line);
      process.stdout.write(`${line}\n`);
      if (o.terms) {
        const rows = [...perTerm.entries()].sort((a, b) => Math.max(...b[1].ms) - Math.max(...a[1].ms));
        for (const [term, { ms, steps }] of rows) {
          const parts = [...steps.entries()].map(([k, v]) => `${k} n=${v.length} mean ${fmt(v.reduce((a, b) => a + b, 0) / v.length)} max ${fmt(Math.max(...v))}`);
          process.stdout.write(`    ${term.padEnd(48)} n=${String(ms.length).padStart(3)} mean ${fmt(ms.reduce((a, b) => a + b, 0) / ms.length).padStart(6)} max ${fmt(Math.max(...ms)).padStart(6)}  ${parts.join('; ')}\n`);
        }
      }
    }
  } finally {
    await replayer.close();
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
