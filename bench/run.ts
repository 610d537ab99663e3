/**
 * `npm run bench`: seeds N goods (default 1,000,000) into a dedicated database, boots the
 * real app on a random loopback port (dev fake of WeChat), signs a staff account in and
 * measures throughput and latency of the list scenarios the catalogue must keep fast.
 *
 *   npm run bench                        # 1,000,000 rows, 10 s per scenario, 8 connections
 *   npm run bench -- --rows 100000 --seconds 5 --concurrency 4
 *   npm run bench -- --count-cache-seconds 0     # count on every request
 *   npm run bench -- --only ordering=name        # the baseline and the scenarios named so
 *   BENCH_ROWS=200000 BENCH_DATABASE_URL=postgres://… npm run bench
 *
 * Database: BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/wxmall_bench when
 * a PostgreSQL answers there, else an embedded one in .data/bench-postgres (port 54349).
 * The bench database is reseeded only when it does not hold exactly N goods.
 * (A developer tool: it reads its own BENCH_* variables; the app's configuration still
 * goes through loadConfig.)
 */
import 'reflect-metadata';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap';
import { PasswordHasher } from '../src/users/password-hasher';
import { loadConfig } from '../src/config/load-config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { EmbeddedPostgres } from '../src/dev/embedded-postgres';
import { encodeCursor } from '../src/goods/goods-cursor';
import { ORDER_COLUMNS } from '../src/goods/goods-sql';
import { resolveRuntime } from '../src/dev/dev-runtime';
import type { LoadResult, LoadTask } from './load-worker';
import { ensureDatabase } from '../src/database/ensure-database';

interface Options {
  rows: number;
  seconds: number;
  concurrency: number;
  maxRequests: number;
  /** GOODS_COUNT_CACHE_SECONDS for the app under test (0: count every request). */
  countCacheSeconds: string;
  /** Only the scenarios whose name contains this text (the baseline always runs). */
  only: string | undefined;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (value: string | undefined, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
    return n;
  };
  return {
    rows: int(arg('rows') ?? env.BENCH_ROWS, 1_000_000, 'rows'),
    seconds: int(arg('seconds') ?? env.BENCH_SECONDS, 10, 'seconds'),
    concurrency: int(arg('concurrency') ?? env.BENCH_CONCURRENCY, 8, 'concurrency'),
    maxRequests: int(arg('max-requests'), 50_000, 'max-requests'),
    countCacheSeconds: arg('count-cache-seconds') ?? '10',
    only: arg('only'),
  };
}

const log = (message: string) => process.stdout.write(`[bench] ${message}\n`);

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


async function resolveDatabase(env: NodeJS.ProcessEnv): Promise<{ url: string; stop: () => Promise<void> }> {
  if (env.BENCH_DATABASE_URL) {
    await ensureDatabase(env.BENCH_DATABASE_URL);
    return { url: env.BENCH_DATABASE_URL, stop: async () => undefined };
  }
  const local = 'postgres://postgres@127.0.0.1:5432/wxmall_bench';
  if (await reachable(local.replace(/\/wxmall_bench$/, '/postgres'))) {
    await ensureDatabase(local);
    return { url: local, stop: async () => undefined };
  }
  const pg = new EmbeddedPostgres({ baseDir: resolve(process.cwd(), '.data', 'bench-postgres'), port: 54349, database: 'wxmall_bench', log });
  const url = await pg.start();
  return { url, stop: () => pg.stop() };
}

const ADJECTIVES = ['新鲜', '进口', '有机', '特级', '精选', '国产', '优质', '家庭装', '冷冻', '低脂', '儿童', '经典'];
const PRODUCTS: [string, string][] = [
  ['苹果', '水果'], ['香蕉', '水果'], ['橙子', '水果'], ['葡萄', '水果'], ['草莓', '水果'], ['西瓜', '水果'], ['猕猴桃', '水果'],
  ['牛奶', '乳品'], ['酸奶', '乳品'], ['奶粉', '乳品'], ['奶酪', '乳品'], ['黄油', '乳品'],
  ['大米', '粮油'], ['面粉', '粮油'], ['花生油', '粮油'], ['挂面', '粮油'],
  ['鸡蛋', '肉禽'], ['猪肉', '肉禽'], ['牛肉', '肉禽'], ['鸡胸肉', '肉禽'],
  ['三文鱼', '水产'], ['虾仁', '水产'], ['带鱼', '水产'],
  ['白菜', '蔬菜'], ['土豆', '蔬菜'], ['番茄', '蔬菜'], ['黄瓜', '蔬菜'], ['豆腐', '蔬菜'],
  ['咖啡', '饮料'], ['绿茶', '饮料'], ['矿泉水', '饮料'], ['可乐', '饮料'], ['Milk Tea', '饮料'], ['Apple Juice', '饮料'],
  ['饼干', '零食'], ['巧克力', '零食'], ['坚果', '零食'], ['薯片', '零食'],
  ['酱油', '调味'], ['米醋', '调味'], ['蜂蜜', '调味'], ['辣椒酱', '调味'],
  ['面包', '烘焙'], ['蛋糕', '烘焙'], ['吐司', '烘焙'],
];

/** Seeds `rows` goods with generate_series, with the indexes dropped and rebuilt afterwards (much faster than maintaining them row by row). */
async function seed(ds: DataSource, rows: number): Promise<void> {
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM goods`);
  if (n === rows) {
    log(`goods already holds ${rows.toLocaleString('en')} rows; reusing them`);
    return;
  }
  log(`seeding ${rows.toLocaleString('en')} goods (had ${n.toLocaleString('en')})…`);
  const started = Date.now();
  const runner = ds.createQueryRunner();
  try {
    // One transaction: a failed or interrupted seed leaves the table and its indexes as they were.
    await runner.startTransaction();
    await runner.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    await runner.query(`TRUNCATE goods, idempotency_keys`);
    const indexes: { indexname: string; indexdef: string }[] = await runner.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'goods' AND indexname <> 'goods_pkey'`,
    );
    for (const index of indexes) await runner.query(`DROP INDEX ${index.indexname}`);
    const adjectives = `ARRAY[${ADJECTIVES.map((a) => `'${a}'`).join(',')}]`;
    const products = `ARRAY[${PRODUCTS.map(([p]) => `'${p}'`).join(',')}]`;
    const categories = `ARRAY[${PRODUCTS.map(([, c]) => `'${c}'`).join(',')}]`;
    const batch = 100_000;
    for (let from = 1; from <= rows; from += batch) {
      const to = Math.min(rows, from + batch - 1);
      await runner.query(
        `INSERT INTO goods (name, price, stock, category, on_sale, created_at, updated_at)
         SELECT a[1 + (i * 7) % array_length(a, 1)] || p[1 + (i * 13) % array_length(p, 1)] || ' ' || (i % 997) || '号',
                ((i * 7919) % 1000000) / 100.0,
                (i * 31) % 1000,
                c[1 + (i * 13) % array_length(c, 1)],
                i % 10 <> 0,
                timestamptz '2026-01-01 00:00:00+00' + i * interval '17 seconds',
                timestamptz '2026-01-01 00:00:00+00' + i * interval '17 seconds'
           FROM generate_series($1::bigint, $2::bigint) AS i, (SELECT ${adjectives} AS a, ${products} AS p, ${categories} AS c) w`,
        [from, to],
      );
      log(`  ${to.toLocaleString('en')} rows (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    for (const index of indexes) {
      log(`  building ${index.indexname}…`);
      await runner.query(index.indexdef);
    }
    await runner.commitTransaction();
    await runner.query(`VACUUM ANALYZE goods`);
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw err;
  } finally {
    await runner.release();
  }
  log(`seeded in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function ensureStaff(ds: DataSource): Promise<{ username: string; password: string }> {
  const username = 'bench_staff';
  const password = 'bench-staff-password';
  const hash = await new PasswordHasher().hash(password);
  await ds.query(
    `INSERT INTO users (username, password_hash, role) VALUES ($1, $2, 'staff')
     ON CONFLICT (lower(username)) WHERE username IS NOT NULL DO UPDATE SET password_hash = EXCLUDED.password_hash, role = 'staff', disabled = false`,
    [username, hash],
  );
  return { username, password };
}

function runLoad(task: LoadTask): Promise<LoadResult> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(resolve(__dirname, 'load-worker.js'), { workerData: task });
    worker.once('message', (result: LoadResult) => resolvePromise(result));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load worker exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const db = await resolveDatabase(process.env);
  log(`database ${db.url.replace(/:[^:@/]*@/, ':***@')}`);
  const ds = new DataSource(buildDataSourceOptions(db.url, { poolSize: 2, applicationName: 'wxmall-bench-seed' }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await seed(ds, options.rows);
  const staff = await ensureStaff(ds);

  // A cursor half-way down the default ordering, made by the app's own encoder.
  const [middle] = await ds.query(
    `SELECT id, ${ORDER_COLUMNS.createdAt.key} AS k FROM goods ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`,
    [Math.floor(options.rows / 2)],
  );
  await ds.destroy();

  const config = loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: db.url,
    AUTH_RATE_LIMIT: '100000',
    LOG_LEVEL: 'warn',
    GOODS_COUNT_CACHE_SECONDS: options.countCacheSeconds,
  });
  const runtime = await resolveRuntime(config);
  const app = await createApp(runtime.config, { logger: ['error', 'warn'] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  try {
    const login = await fetch(`${base}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(staff),
    });
    if (login.status !== 200) throw new Error(`staff login failed: ${login.status} ${await login.text()}`);
    const { accessToken } = (await login.json()) as { accessToken: string };

    const deepCursor = middle ? encodeCursor('-createdAt', {}, { value: middle.k, id: middle.id }) : '';
    const q = (params: Record<string, string>) => `${base}/api/goods?${new URLSearchParams(params)}`;
    const scenarios: [string, string][] = [
      ['baseline: GET /api/users/me (no goods query)', `${base}/api/users/me`],
      ['unfiltered list, first page', q({})],
      ['search 苹果 (two characters)', q({ search: '苹果' })],
      ['search 奶 (one character)', q({ search: '奶' })],
      ['search 三文鱼 (three characters)', q({ search: '三文鱼' })],
      ['category + onSale + price range, ordering=-price', q({ category: '乳品', onSale: 'true', minPrice: '100', maxPrice: '5000', ordering: '-price' })],
      ['onSale=false, ordering=-name', q({ onSale: 'false', ordering: '-name' })],
      ['category, ordering=price', q({ category: '乳品', ordering: 'price' })],
      ['search 苹果, ordering=name', q({ search: '苹果', ordering: 'name' })],
      ['page 500 (offset 9,980), ordering=name', q({ page: '500', ordering: 'name' })],
      [`cursor page at row ${Math.floor(options.rows / 2).toLocaleString('en')}`, q({ cursor: deepCursor })],
    ];
    log(`${options.concurrency} connections, ${options.seconds} s per scenario (at most ${options.maxRequests} requests), after a 2 s warm-up`);
    const lines = ['| scenario | req/s | p50 ms | p95 ms | p99 ms | total | requests |', '|---|---:|---:|---:|---:|---:|---:|'];
    for (const [name, url] of scenarios.filter(([name], i) => i === 0 || options.only === undefined || name.includes(options.only))) {
      const check = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
      const body = (await check.json()) as { total?: number; totalExact?: boolean };
      if (check.status !== 200) throw new Error(`${name}: ${check.status} ${JSON.stringify(body)}`);
      const result = await runLoad({ url, token: accessToken, seconds: options.seconds, concurrency: options.concurrency, maxRequests: options.maxRequests });
      if (result.errors > 0) log(`  ${name}: ${result.errors} failed requests`);
      const total = body.total === undefined ? '—' : `${body.total}${body.totalExact ? '' : '+'}`;
      lines.push(`| ${name} | ${result.rps.toFixed(0)} | ${result.p50.toFixed(1)} | ${result.p95.toFixed(1)} | ${result.p99.toFixed(1)} | ${total} | ${result.requests} |`);
      log(lines[lines.length - 1]);
    }
    process.stdout.write(
      `\n${options.rows.toLocaleString('en')} goods, ${options.concurrency} connections, ${options.seconds} s each, count cache ${options.countCacheSeconds} s:\n\n${lines.join('\n')}\n`,
    );
  } finally {
    await app.close();
    await runtime.stop();
    await db.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
