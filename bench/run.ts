/**
 * `npm run bench`: what the framework costs, measured in one run. The app (the built
 * `dist/src/main.js`, production mode) and a bare `node:http` + `pg` baseline doing the same
 * work (bench/baseline-server.ts) run side by side on the same database, each in its own
 * process, with the fake WeChat and the load generator (autocannon) in processes of their
 * own. Each scenario runs against one server, then the other (the order alternating), so
 * drift on a shared machine hits both alike. See docs/performance.md.
 *
 *   npm run bench                              # 1,000,000 goods, 10 s per scenario and server, 32 connections
 *   npm run bench -- --seconds 3 --only by-id,login
 *   npm run bench -- --aa                      # the baseline against itself: the noise of the machine
 *   npm run bench -- --nest-floor              # bare Nest on Fastify doing the baseline's work, against the baseline
 *   npm run bench:smoke                        # CI: a few thousand goods, ~1 s each, loose floors, exit 1 on failure
 *
 * (A developer tool: it reads BENCH_DATABASE_URL itself; the app under test gets its
 * configuration through its own environment, built here.)
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../src/dev/embedded-postgres';
import { ensureDatabase } from '../src/database/ensure-database';
import { encodeCursor, ORDER_COLUMNS } from './app-sql';
import type { BaselineSettings } from './baseline-server';
import { checkSameAnswers, Target } from './check';
import { Hs256 } from './jwt';
import type { LoadResult, LoadTask } from './load';
import { Child, forkWithReply, freePort, memoryOf, RssSampler, startApp } from './processes';
import { combine, consoleTable, describeMachine, gitRevision, markdownPage, Outcome, Pair, Report, Side, svgChart } from './report';
import { SCENARIO_IDS, ScenarioData, SCENARIOS, scenarioById } from './scenarios';
import { deleteBenchUsers, ensureSeeded, ensureStaff, migrate, SEED, STAFF } from './seed';

interface Options {
  rows: number;
  seconds: number;
  warmup: number;
  connections: number;
  /** Seconds of one slice: the servers take turns at this grain. */
  slice: number;
  only: string[] | null;
  /** What runs against the baseline: the app, a second baseline (--aa) or bare Nest (--nest-floor). */
  pair: Pair;
  smoke: boolean;
  /** Smallest app/baseline ratio the smoke accepts. */
  floor: number;
  countCacheSeconds: number;
  appLogLevel: string;
  databaseUrl: string | null;
  reseed: boolean;
  /** Seed (when needed) and stop. */
  seedOnly: boolean;
  check: boolean;
  profile: boolean;
  /** Where results go; null: nowhere (the smoke, unless --out). */
  out: string | null;
  keepLogs: boolean;
}

const HELP = `usage: npm run bench [-- options]        (npm run bench:smoke = --smoke)
  --rows N                  goods in the bench database (default 1000000; smoke 3000)
  --seconds S               measured seconds per scenario and server (default 10; smoke 1)
  --warmup S                unmeasured seconds before each measurement (default 2; smoke 0.25)
  --connections C           concurrent keep-alive connections (default 32; smoke 16)
  --slice S                 the servers take turns every S seconds within a scenario (default 2)
  --only a,b                only these scenarios: ${SCENARIO_IDS.join(', ')}
  --aa                      the baseline against a second baseline: the noise of the machine
  --nest-floor              bare Nest on Fastify doing the baseline's own work against the baseline:
                            what the framework costs by itself, before anything of the app
  --smoke                   CI smoke: own small database, short runs, exits 1 when a floor fails
  --floor F                 smoke: smallest accepted app/baseline ratio (default 0.05)
  --count-cache-seconds N   GOODS_COUNT_CACHE_SECONDS of both servers (default 10; 0: count every request)
  --app-log-level L         the app's LOG_LEVEL (default info, as in production)
  --database-url URL        the bench database (default BENCH_DATABASE_URL, else
                            postgres://postgres@127.0.0.1:5432/wxmall_bench, else an embedded one)
  --reseed                  reseed even when the database holds this catalogue already
  --seed-only               seed the bench database when it needs it, then stop
  --no-check                skip the same-answers check before measuring
  --profile                 run the app with --cpu-prof (profiles in bench/results/profiles/)
  --out DIR                 where results go (default bench/results; the smoke writes none)
  --keep-logs               keep the app's log (it is deleted after a successful run)`;

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags = new Set(['--aa', '--nest-floor', '--smoke', '--reseed', '--seed-only', '--no-check', '--profile', '--keep-logs', '--help']);
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (flags.has(arg)) values.set(arg, 'true');
    else if (arg.startsWith('--') && i + 1 < argv.length) values.set(arg, argv[++i]);
    else throw new Error(`unknown argument ${arg}\n${HELP}`);
  }
  if (values.has('--help')) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const smoke = values.has('--smoke');
  const num = (name: string, fallback: number, min: number, integer = false) => {
    const raw = values.get(`--${name}`);
    values.delete(`--${name}`);
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}`);
    return n;
  };
  const str = (name: string) => {
    const v = values.get(`--${name}`);
    values.delete(`--${name}`);
    return v;
  };
  const only = str('only')?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
  for (const id of only ?? []) scenarioById(id);
  const options: Options = {
    rows: num('rows', smoke ? 3000 : 1_000_000, 100, true),
    seconds: num('seconds', smoke ? 1 : 10, 0.5),
    warmup: num('warmup', smoke ? 0.25 : 2, 0),
    connections: num('connections', smoke ? 16 : 32, 1, true),
    slice: num('slice', 2, 0.5),
    only,
    pair: values.has('--aa') ? 'aa' : values.has('--nest-floor') ? 'nest-floor' : 'app',
    smoke,
    floor: num('floor', 0.05, 0),
    countCacheSeconds: num('count-cache-seconds', 10, 0, true),
    appLogLevel: str('app-log-level') ?? 'info',
    databaseUrl: str('database-url') ?? env.BENCH_DATABASE_URL ?? null,
    reseed: values.has('--reseed'),
    seedOnly: values.has('--seed-only'),
    check: !values.has('--no-check'),
    profile: values.has('--profile'),
    out: str('out') ?? (smoke ? null : resolve(__dirname, '..', '..', 'bench', 'results')),
    keepLogs: values.has('--keep-logs'),
  };
  if (values.has('--aa') && values.has('--nest-floor')) throw new Error('--aa and --nest-floor are two different runs: give one');
  if (options.pair !== 'app' && (options.smoke || options.profile)) throw new Error(`--${options.pair} measures the baseline, not the app: it takes neither --smoke nor --profile`);
  // Profiles of a run without an output folder are written beside the log: keep them.
  if (options.profile && options.out === null) options.keepLogs = true;
  for (const flag of flags) values.delete(flag);
  if (values.size) throw new Error(`unknown option ${[...values.keys()].join(', ')}\n${HELP}`);
  return options;
}

const startedAt = performance.now();
const log = (line: string) => process.stdout.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** The bench database (the smoke's own, `…_smoke`): given, else the local PostgreSQL, else an embedded one. */
async function resolveDatabase(o: Options): Promise<{ url: string; stop: () => Promise<void> }> {
  const suffix = o.smoke ? '_smoke' : '';
  const withSuffix = (url: string) => {
    const u = new URL(url);
    u.pathname = `${u.pathname.replace(/\/$/, '')}${suffix}`;
    return u.toString();
  };
  if (o.databaseUrl) {
    const url = withSuffix(o.databaseUrl);
    await ensureDatabase(url);
    return { url, stop: async () => undefined };
  }
  const local = withSuffix('postgres://postgres@127.0.0.1:5432/wxmall_bench');
  if (await reachable('postgres://postgres@127.0.0.1:5432/postgres')) {
    await ensureDatabase(local);
    return { url: local, stop: async () => undefined };
  }
  const pg = new EmbeddedPostgres({ baseDir: resolve(process.cwd(), '.data', 'bench-postgres'), port: 54349, database: `wxmall_bench${suffix}`, log });
  const url = await pg.start();
  return { url, stop: () => pg.stop() };
}

/**
 * The goods the scenarios use: ids to read, others to write, and cursors at random places of
 * the default ordering (made by the app's encoder) where cursor walks start. Sampled row by
 * row (BERNOULLI) from the whole table, so no server finds them all cached by the other.
 */
async function sampleGoods(url: string, rows: number): Promise<{ ids: string[]; patchIds: string[]; walkStarts: string[]; pgVersion: string }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const percent = Math.min(100, (100 * 30_000) / rows);
    const sample = await client.query<{ id: string; k: string }>(
      `SELECT id, ${ORDER_COLUMNS.createdAt.key} AS k FROM goods TABLESAMPLE BERNOULLI (${percent}) REPEATABLE (${SEED}) ORDER BY random() LIMIT 12000`,
    );
    const all = sample.rows;
    const cut = Math.ceil(all.length / 6);
    const { rows: [v] } = await client.query<{ version: string }>('SELECT version()');
    return {
      patchIds: all.slice(0, cut).map((r) => r.id),
      walkStarts: all.slice(cut, 2 * cut).map((r) => encodeCursor('-createdAt', {}, { value: r.k, id: r.id })),
      ids: all.slice(2 * cut).map((r) => r.id),
      pgVersion: v.version,
    };
  } finally {
    await client.end();
  }
}

/** An access token for the staff account without its password: a session row and a signature (the --aa and --nest-floor runs have no app to log in through). */
async function mintStaffToken(url: string, jwt: Hs256): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [s] } = await client.query<{ id: string; user_id: string }>(
      `INSERT INTO sessions (user_id, user_agent) SELECT id, 'wxmall-bench' FROM users WHERE lower(username) = lower($1) RETURNING id, user_id`,
      [STAFF.username],
    );
    const iat = Math.floor(Date.now() / 1000);
    return jwt.sign({ sub: s.user_id, sid: s.id, iat, exp: iat + 7200 });
  } finally {
    await client.end();
  }
}

async function postJson(url: string, body: unknown): Promise<{ accessToken: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * Waits until neither server has a query running. A measurement ends by dropping its
 * connections, but the queries of the requests in flight run on; the next measurement must
 * not pay for them.
 */
class DatabaseIdle {
  private readonly client: Client;

  constructor(url: string) {
    this.client = new Client({ connectionString: url, application_name: 'wxmall-bench-watch' });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  async wait(timeoutMs = 60_000): Promise<number> {
    const started = performance.now();
    for (;;) {
      const { rows: [r] } = await this.client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
            AND application_name IN ('wxmall-api', 'wxmall-bench-baseline')`,
      );
      const waited = performance.now() - started;
      if (r.n === 0 || waited > timeoutMs) return waited;
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  end(): Promise<void> {
    return this.client.end();
  }
}

class LoadGenerator {
  private readonly proc: ChildProcess;

  constructor() {
    this.proc = fork(resolve(__dirname, 'load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  run(task: LoadTask): Promise<LoadResult> {
    return new Promise((done, fail) => {
      const onExit = (code: number | null) => fail(new Error(`the load generator exited (${code})`));
      this.proc.once('exit', onExit);
      this.proc.once('message', (m: { result?: LoadResult; error?: string }) => {
        this.proc.removeListener('exit', onExit);
        if (m.result) done(m.result);
        else fail(new Error(`load generator: ${m.error}`));
      });
      this.proc.send(task);
    });
  }

  stop(): void {
    this.proc.kill('SIGTERM');
  }
}

function stamp(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2), process.env);
  const started = new Date();
  const tag = Date.now().toString(36);
  const scenarios = o.only ? SCENARIOS.filter((s) => o.only!.includes(s.id)) : SCENARIOS;

  const db = await resolveDatabase(o);
  log(`database ${db.url.replace(/:[^:@/]*@/, ':***@')}`);
  const children: Child[] = [];
  let load: LoadGenerator | null = null;
  let idle: DatabaseIdle | null = null;
  const workDir = mkdtempSync(join(tmpdir(), 'wxmall-bench-'));
  const appLog = join(workDir, 'app.log');
  let failed = true;
  try {
    await migrate(db.url);
    await ensureSeeded(db.url, o.rows, log, o.reseed);
    await ensureStaff(db.url);
    if (o.seedOnly) {
      failed = false;
      return;
    }
    const removed = await deleteBenchUsers(db.url);
    if (removed) log(`removed ${removed.toLocaleString('en')} users earlier login runs created`);
    const { ids, patchIds, walkStarts, pgVersion } = await sampleGoods(db.url, o.rows);
    const machine = describeMachine(pgVersion);

    const jwtSecret = randomBytes(32).toString('base64url');
    const dataEncryptionKey = randomBytes(32).toString('hex');
    const wechat = { appid: 'wxbench000000000', secret: randomBytes(16).toString('hex') };
    const fake = await forkWithReply<{ url: string }>('fake WeChat', 'fake-wechat.js', wechat);
    children.push(fake.child);

    const baselineSettings: BaselineSettings = {
      databaseUrl: db.url,
      jwtSecret,
      accessTtlSeconds: 7200,
      refreshTtlSeconds: 30 * 24 * 3600,
      wechat: { ...wechat, apiBase: fake.reply.url, timeoutMs: 5000 },
      dataEncryptionKey,
      countCacheSeconds: o.countCacheSeconds,
      poolSize: 10,
    };
    const startBaseline = async (name: string, script = 'baseline-server.js'): Promise<Target & { child: Child }> => {
      const { child, reply } = await forkWithReply<{ port: number }>(name, script, baselineSettings);
      children.push(child);
      return { name, baseUrl: `http://127.0.0.1:${reply.port}`, child };
    };

    let targets: [Target & { child: Child }, Target & { child: Child }];
    let data: ScenarioData;
    if (o.pair !== 'app') {
      targets = o.pair === 'aa' ? [await startBaseline('baseline A'), await startBaseline('baseline B')] : [await startBaseline('Nest floor', 'nest-floor-server.js'), await startBaseline('baseline')];
      const user = await postJson(`${targets[0].baseUrl}/api/auth/wechat/login`, { code: `bench${tag}-user` });
      data = { ids, patchIds, walkStarts, userToken: user.accessToken, staffToken: await mintStaffToken(db.url, new Hs256(jwtSecret)) };
    } else {
      const port = await freePort();
      const profileDir = resolve(o.out ?? workDir, 'profiles');
      if (o.profile) mkdirSync(profileDir, { recursive: true });
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        PORT: String(port),
        DATABASE_URL: db.url,
        JWT_SECRET: jwtSecret,
        DATA_ENCRYPTION_KEY: dataEncryptionKey,
        WECHAT_APPID: wechat.appid,
        WECHAT_SECRET: wechat.secret,
        WECHAT_API_BASE: fake.reply.url,
        // The login scenario sends thousands of logins a minute from one address.
        AUTH_RATE_LIMIT: '100000',
        GOODS_COUNT_CACHE_SECONDS: String(o.countCacheSeconds),
        LOG_LEVEL: o.appLogLevel,
        // The runtime settings the image gives the app (NODE_OPTIONS, MALLOC_ARENA_MAX), read from the Dockerfile.
        ...imageRuntimeEnv(),
      };
      log(`starting the app (NODE_ENV=production, LOG_LEVEL=${o.appLogLevel}; log: ${appLog})`);
      const app = await startApp(env, appLog, workDir, o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
      children.push(app);
      const appTarget = { name: 'app', baseUrl: `http://127.0.0.1:${port}`, child: app };
      targets = [appTarget, await startBaseline('baseline')];
      // Real tokens from the app itself: the baseline must accept what the app issues.
      const user = await postJson(`${appTarget.baseUrl}/api/auth/wechat/login`, { code: `bench${tag}-user` });
      const staff = await postJson(`${appTarget.baseUrl}/api/auth/token`, STAFF);
      data = { ids, patchIds, walkStarts, userToken: user.accessToken, staffToken: staff.accessToken };
    }
    const [ta, tb] = targets;
    log(`${ta.name} pid ${ta.child.pid} at ${ta.baseUrl}; ${tb.name} pid ${tb.child.pid} at ${tb.baseUrl}; fake WeChat pid ${fake.child.pid}`);

    if (o.check) await checkSameAnswers([ta, tb], scenarios, data, `bench${tag}`, log);

    // The same sequence of requests for both servers (same seed), but each reads and writes its
    // own half of the sampled goods: the second to run must not find the rows cached by the first.
    const half = <T>(list: T[], t: number) => list.filter((_, k) => k % 2 === t);
    const halves = [0, 1].map((t) => ({ ...data, ids: half(data.ids, t), patchIds: half(data.patchIds, t), walkStarts: half(data.walkStarts, t) }));
    load = new LoadGenerator();
    idle = new DatabaseIdle(db.url);
    await idle.connect();
    const sampler = new RssSampler([ta.child.pid, tb.child.pid]);
    sampler.start();
    const slices = Math.max(1, Math.round(o.seconds / o.slice));
    const sliceSeconds = o.seconds / slices;
    const perScenario = 2 * (o.warmup + o.seconds) + 2 * slices * 0.2;
    log(
      `${scenarios.length} scenarios: ${o.connections} connections, per server ${o.warmup} s warm-up then ${o.seconds} s measured in ${slices} slice(s) of ${sliceSeconds.toFixed(1)} s, the servers taking turns (about ${Math.ceil(scenarios.length * perScenario)} s)`,
    );
    const runs = scenarios.map(() => [[] as LoadResult[], [] as LoadResult[]]);
    const rss = scenarios.map(() => [0, 0]);
    for (const [i, scenario] of scenarios.entries()) {
      // The servers take turns slice by slice (A B B A A B …), and who starts alternates from
      // scenario to scenario: a busy moment of the shared machine lands on both alike.
      const first = i % 2;
      for (let k = 0; k < slices; k++) {
        const pair = k % 2 === 0 ? [first, 1 - first] : [1 - first, first];
        for (const t of pair) {
          const target = targets[t];
          const waited = await idle.wait();
          if (waited > 1000) log(`  (waited ${(waited / 1000).toFixed(1)} s for the previous slice's queries to finish)`);
          sampler.takePeakMb(target.child.pid);
          const result = await load.run({
            baseUrl: target.baseUrl,
            scenario: scenario.id,
            data: halves[t],
            connections: o.connections,
            seconds: sliceSeconds,
            warmupSeconds: k === 0 ? o.warmup : 0,
            codePrefix: `bench${tag}-${t}`,
            // The same requests for both servers in a slice, other ones in the next.
            seed: 1000 * k + i + 1,
            serverPid: target.child.pid,
          });
          runs[i][t].push(result);
          rss[i][t] = Math.max(rss[i][t], sampler.takePeakMb(target.child.pid));
        }
      }
      const [a, b] = [combine(runs[i][0], rss[i][0]), combine(runs[i][1], rss[i][1])];
      const line = (side: Side) =>
        `${Math.round(side.rps).toLocaleString('en').padStart(6)} req/s p50 ${side.p50.toFixed(1).padStart(6)} p99 ${side.p99.toFixed(1).padStart(6)} ms${side.cpuUs === null ? '' : ` CPU ${Math.round(side.cpuUs).toLocaleString('en')} µs/req`}${side.non2xx + side.errors ? ` ${side.non2xx} NON-2XX ${side.errors} ERRORS` : ''}`;
      log(`${scenario.id.padEnd(15)} ${ta.name}: ${line(a)} | ${tb.name}: ${line(b)} | ratio ${(b.rps > 0 ? a.rps / b.rps : 0).toFixed(2)}`);
      for (const [side, target] of [[a, ta], [b, tb]] as const) {
        if (side.non2xx + side.errors) log(`  ${target.name} status codes: ${JSON.stringify(side.statusCodes)}`);
      }
    }
    sampler.stop();
    const hwm = targets.map((t) => (memoryOf(t.child.pid)?.hwmKb ?? 0) / 1024) as [number, number];

    const outcomes: Outcome[] = scenarios.map((s, i) => {
      const a = combine(runs[i][0], rss[i][0]);
      const b = combine(runs[i][1], rss[i][1]);
      return { id: s.id, title: s.title, a, b, ratio: b.rps > 0 ? a.rps / b.rps : 0 };
    });
    const args = process.argv.slice(2);
    const report: Report = {
      date: started,
      names: [ta.name, tb.name],
      pair: o.pair,
      outcomes,
      peakRssMb: hwm,
      setup: `${o.rows.toLocaleString('en')} goods, ${o.connections} connections, ${o.warmup} s warm-up + ${o.seconds} s per scenario and server in ${slices} slice(s), count cache ${o.countCacheSeconds} s${o.pair !== 'app' ? '' : `, app NODE_ENV=production LOG_LEVEL=${o.appLogLevel} ${Object.entries(imageRuntimeEnv()).map(([k, v]) => `${k}=${v}`).join(' ')}`}; revision ${gitRevision()}`,
      machine,
      command: o.smoke ? 'npm run bench:smoke' : `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    };
    process.stdout.write(`\n${consoleTable(report)}\n\n`);

    if (o.out) {
      mkdirSync(o.out, { recursive: true });
      const base = `${stamp(started)}${o.pair === 'app' ? '' : `-${o.pair}`}`;
      const latest = o.pair === 'app' ? 'latest' : `latest-${o.pair}`;
      writeFileSync(join(o.out, `${base}.md`), markdownPage(report, `${base}.svg`));
      writeFileSync(join(o.out, `${base}.svg`), svgChart(report));
      copyFileSync(join(o.out, `${base}.svg`), join(o.out, `${latest}.svg`));
      writeFileSync(join(o.out, `${latest}.md`), markdownPage(report, `${latest}.svg`));
      log(`wrote ${relative(process.cwd(), join(o.out, `${base}.md`))} and .svg (and ${latest}.md / .svg)`);
    }

    let floorsFailed = 0;
    if (o.smoke) {
      for (const outcome of outcomes) {
        const problems: string[] = [];
        if (outcome.ratio < o.floor) problems.push(`ratio ${outcome.ratio.toFixed(3)} < ${o.floor}`);
        for (const [side, name] of [[outcome.a, ta.name], [outcome.b, tb.name]] as const) {
          if (side.non2xx + side.errors > 0) problems.push(`${name}: ${side.non2xx} non-2xx, ${side.errors} errors`);
          if (side.ok === 0) problems.push(`${name}: no successful request`);
        }
        if (problems.length) floorsFailed++;
        log(`${problems.length ? 'FAIL' : 'ok  '} ${outcome.id}${problems.length ? `: ${problems.join('; ')}` : ''}`);
      }
      log(floorsFailed ? `smoke FAILED: ${floorsFailed} scenario(s) below the floor` : `smoke passed (every ratio ≥ ${o.floor}, no non-2xx)`);
    } else {
      const bad = outcomes.filter((x) => x.a.non2xx + x.a.errors + x.b.non2xx + x.b.errors > 0);
      if (bad.length) log(`WARNING: non-2xx answers in ${bad.map((x) => x.id).join(', ')}: those rates are not comparable`);
    }
    failed = floorsFailed > 0;
    log(`done in ${Math.round((Date.now() - started.getTime()) / 1000)} s`);
  } finally {
    load?.stop();
    await idle?.end().catch(() => undefined);
    // Reverse order: the servers before the fake WeChat they call.
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await deleteBenchUsers(db.url).catch(() => undefined);
    await db.stop();
    if (!failed && !o.keepLogs) rmSync(workDir, { recursive: true, force: true });
    else log(`logs kept in ${workDir}`);
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});

/**
 * The `ENV` of the Dockerfile's last stage (the image the app runs in), but NODE_ENV, which
 * the bench sets itself: the app is measured with the memory settings it ships with.
 */
function imageRuntimeEnv(): Record<string, string> {
  const dockerfile = readFileSync(resolve(__dirname, '..', '..', 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const match of runtime.matchAll(/^ENV\s+([A-Z_][A-Z0-9_]*)=("([^"]*)"|\S+)\s*$/gm)) {
    if (match[1] !== 'NODE_ENV') env[match[1]] = match[3] ?? match[2];
  }
  return env;
}
