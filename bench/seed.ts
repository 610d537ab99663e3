/**
 * The bench database: schema by the app's own migrations, goods from catalogue.ts, a staff
 * account. Reseeded only when its marker (a comment on the goods table naming the generator's
 * fingerprint, seed and row count) does not match what this run asks for.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { PasswordHasher } from '../src/users/password-hasher';
import { catalogueFingerprintSource, goodsRow, GoodsSeedRow } from './catalogue';

export const SEED = 20260101;
export const STAFF = { username: 'bench_staff', password: 'bench-staff-password-0000' };
/** Openids of the users the login scenario creates start with this (the dev fake maps code c to dev_c). */
export const BENCH_OPENID_PREFIX = 'dev_bench';

export type Log = (line: string) => void;

export function seedMarker(rows: number): string {
  const fingerprint = createHash('sha256').update(catalogueFingerprintSource()).digest('hex').slice(0, 16);
  return `wxmall-bench seed=${SEED} rows=${rows} catalogue=${fingerprint}`;
}

/** Applies the app's migrations (the same list the app runs). */
export async function migrate(url: string): Promise<void> {
  const ds = new DataSource(buildDataSourceOptions(url, { poolSize: 1, applicationName: 'wxmall-bench-migrate' }));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** Seeds `rows` goods unless the database already holds exactly this catalogue. Returns whether it seeded. */
export async function ensureSeeded(url: string, rows: number, log: Log, force = false): Promise<boolean> {
  const marker = seedMarker(rows);
  const client = new Client({ connectionString: url, application_name: 'wxmall-bench-seed' });
  await client.connect();
  try {
    const { rows: [current] } = await client.query<{ marker: string | null; n: number }>(
      `SELECT obj_description('goods'::regclass, 'pg_class') AS marker, (SELECT count(*)::int FROM goods) AS n`,
    );
    if (!force && current.marker === marker && current.n === rows) {
      log(`goods already hold this catalogue (${rows.toLocaleString('en')} rows, ${marker.split(' ').pop()}); reusing them`);
      return false;
    }
    log(
      `seeding ${rows.toLocaleString('en')} goods: ${force ? 'asked to' : current.marker === marker ? `count is ${current.n}` : `marker is ${current.marker ?? 'absent'}`}`,
    );
    await seed(client, rows, marker, url, log);
    return true;
  } finally {
    await client.end();
  }
}

async function seed(client: Client, rows: number, marker: string, url: string, log: Log): Promise<void> {
  const started = performance.now();
  // One transaction: an interrupted seed leaves the table, its indexes and its marker as they were.
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    await client.query(`SET LOCAL synchronous_commit = off`);
    await client.query(`TRUNCATE goods, idempotency_keys`);
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'goods' AND indexname <> 'goods_pkey'`,
    );
    // Maintaining 17 indexes row by row costs far more than building them once afterwards.
    for (const index of indexes) await client.query(`DROP INDEX ${client.escapeIdentifier(index.indexname)}`);

    const batch = 5000;
    let lastReport = 0;
    let pending: Promise<unknown> = Promise.resolve();
    for (let from = 0; from < rows; from += batch) {
      const to = Math.min(rows, from + batch);
      // Build the next batch while PostgreSQL inserts the previous one.
      const goods: GoodsSeedRow[] = [];
      for (let i = from; i < to; i++) goods.push(goodsRow(SEED, i));
      await pending;
      pending = insertBatch(client, goods);
      const now = performance.now();
      if (now - lastReport > 2000 || to === rows) {
        lastReport = now;
        const seconds = (now - started) / 1000;
        const rate = from / Math.max(seconds, 0.001);
        const eta = rate > 0 ? (rows - from) / rate : 0;
        log(`  ${pct(from, rows)} ${from.toLocaleString('en')} / ${rows.toLocaleString('en')} rows, ${Math.round(rate).toLocaleString('en')} rows/s, ~${Math.round(eta)} s left`);
      }
    }
    await pending;
    log(`  inserted ${rows.toLocaleString('en')} rows in ${secs(started)}; building ${indexes.length} indexes`);
    const progress = await watchIndexBuild(url, log);
    try {
      for (const [n, index] of indexes.entries()) {
        const t = performance.now();
        progress.current = `${n + 1}/${indexes.length} ${index.indexname}`;
        await client.query(index.indexdef);
        log(`  [${n + 1}/${indexes.length}] ${index.indexname} in ${secs(t)}`);
      }
    } finally {
      await progress.stop();
    }
    await client.query(`COMMENT ON TABLE goods IS ${client.escapeLiteral(marker)}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  // goods: its visibility map (index-only scans) and statistics; autovacuum is off on the bench machines.
  log('  VACUUM ANALYZE goods…');
  await client.query('VACUUM ANALYZE goods');
  // The counters the goods triggers keep were updated once per batch for every gram of every
  // name: a plain VACUUM frees their dead rows but leaves the files at their high-water mark
  // (measured: goods_gram_counts 52 MB for 12,000 rows, goods_gram_price_counts 871 MB for
  // 432,000), which every search's count then reads through. Compacted, as after a bulk import
  // in production (docs/deploying.md), they are 0.5 and 25 MB.
  for (const table of ['goods_gram_counts', 'goods_gram_price_counts']) {
    log(`  VACUUM FULL ANALYZE ${table}…`);
    await client.query(`VACUUM FULL ANALYZE ${table}`);
  }
  log(`seeded in ${secs(started)}`);
}

function insertBatch(client: Client, goods: GoodsSeedRow[]): Promise<unknown> {
  const col = <K extends keyof GoodsSeedRow>(k: K) => goods.map((g) => g[k]);
  return client.query(
    `INSERT INTO goods (name, description, price, stock, category, on_sale, image_url, created_at, updated_at)
     SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::numeric[], $4::int[], $5::varchar[], $6::bool[], $7::varchar[], $8::timestamptz[], $9::timestamptz[])`,
    [col('name'), col('description'), col('price'), col('stock'), col('category'), col('onSale'), col('imageUrl'), col('createdAt'), col('updatedAt')],
  );
}

/**
 * Index builds of a million rows take a while (the bigram GIN index most): a second
 * connection reports pg_stat_progress_create_index every few seconds.
 */
async function watchIndexBuild(url: string, log: Log): Promise<{ current: string; stop(): Promise<void> }> {
  const watcher = new Client({ connectionString: url, application_name: 'wxmall-bench-seed-progress' });
  await watcher.connect();
  const state = { current: '', stop: async () => undefined as void };
  const timer = setInterval(() => {
    watcher
      .query<{ phase: string; blocks_done: string; blocks_total: string; tuples_done: string; tuples_total: string }>(
        `SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total FROM pg_stat_progress_create_index WHERE relid = 'goods'::regclass`,
      )
      .then(({ rows: [r] }) => {
        if (!r) return;
        const done = Number(r.blocks_total) > 0 ? pct(Number(r.blocks_done), Number(r.blocks_total)) : Number(r.tuples_total) > 0 ? pct(Number(r.tuples_done), Number(r.tuples_total)) : '';
        log(`    ${state.current}: ${r.phase} ${done}`);
      })
      .catch(() => undefined);
  }, 5000);
  state.stop = async () => {
    clearInterval(timer);
    await watcher.end().catch(() => undefined);
  };
  return state;
}

/** The staff account of the PATCH scenario (its password hashed by the app's own hasher). */
export async function ensureStaff(url: string): Promise<void> {
  const hash = await new PasswordHasher().hash(STAFF.password);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO users (username, password_hash, role) VALUES ($1, $2, 'staff')
       ON CONFLICT (lower(username)) WHERE username IS NOT NULL DO UPDATE SET password_hash = EXCLUDED.password_hash, role = 'staff', disabled = false`,
      [STAFF.username, hash],
    );
  } finally {
    await client.end();
  }
}

/** Forgets the users (and, by cascade, the sessions) earlier login scenarios created. */
export async function deleteBenchUsers(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query(`DELETE FROM users WHERE openid LIKE $1`, [`${BENCH_OPENID_PREFIX}%`]);
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

const pct = (done: number, total: number) => `${((100 * done) / Math.max(total, 1)).toFixed(1).padStart(5)}%`;
const secs = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
