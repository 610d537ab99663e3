import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { CLOCK, Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { statement } from './prepared-statements';
import { PG_TYPES } from './timestamps';

/** PostgreSQL settings a read's connection starts with (`-c name=value`), e.g. `{ enable_seqscan: 'off' }`. */
export type SessionSettings = Readonly<Record<string, string>>;

/** How long a replica that failed to answer is left out before it is tried again. */
const REPLICA_PAUSE_MS = 5000;
/** Connection-level failures (the server is down or unreachable), as opposed to an error in the query. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03']);

interface Target {
  url: string;
  /** The primary is never paused: it is the last resort. */
  replica: boolean;
  pausedUntil: number;
  pools: Map<string, Pool>;
}

/**
 * Connection pools for catalogue reads (goods lists, searches and their counts), apart from
 * the app's pool:
 * - Their connections start with the read's planner settings, so a read costs one round trip
 *   instead of `BEGIN; SET LOCAL …; query; COMMIT`. One small pool per set of settings.
 * - With DATABASE_REPLICA_URLS they read from the replicas in turn; a replica that does not
 *   answer is skipped for a few seconds, and when none answers the primary serves. Reads that
 *   must see the latest write (a product by id after a PATCH) do not come here.
 */
@Injectable()
export class ReadPools implements OnApplicationShutdown {
  private readonly logger = new Logger('ReadPools');
  private readonly targets: Target[];
  private next = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    const primary: Target = { url: config.databaseUrl!, replica: false, pausedUntil: 0, pools: new Map() };
    const replicas = config.databaseReplicaUrls.map((url) => ({ url, replica: true, pausedUntil: 0, pools: new Map<string, Pool>() }));
    this.targets = [...replicas, primary];
  }

  /** `prepare`: run it as a named statement (see prepared-statements.ts for which may be). */
  async query<T>(settings: SessionSettings, sql: string, params: unknown[], prepare = false): Promise<T[]> {
    const config = statement(sql, params, prepare);
    for (const target of this.order()) {
      try {
        const result = await this.pool(target, settings).query(config);
        return result.rows as T[];
      } catch (err) {
        // An error without a SQLSTATE is the connection's, not the query's ("Connection terminated unexpectedly").
        const code = (err as { code?: string }).code;
        if (!target.replica || (code !== undefined && !CONNECTION_ERRORS.has(code))) throw err;
        target.pausedUntil = this.clock.now() + REPLICA_PAUSE_MS;
        this.logger.warn(`read replica #${this.targets.indexOf(target) + 1} did not answer (${code ?? (err as Error).message}); reading elsewhere for ${REPLICA_PAUSE_MS / 1000} s`);
      }
    }
    throw new Error('unreachable: the primary is always tried last');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.targets.flatMap((t) => [...t.pools.values()].map((pool) => pool.end().catch(() => undefined))));
  }

  /** The replicas that are not paused, starting with the next in turn, then the primary. */
  private order(): Target[] {
    const now = this.clock.now();
    const replicas = this.targets.filter((t) => t.replica && t.pausedUntil <= now);
    const start = replicas.length ? this.next++ % replicas.length : 0;
    return [...replicas.slice(start), ...replicas.slice(0, start), this.targets[this.targets.length - 1]];
  }

  private pool(target: Target, settings: SessionSettings): Pool {
    const key = JSON.stringify(settings);
    let pool = target.pools.get(key);
    if (!pool) {
      pool = new Pool({
        connectionString: target.url,
        max: this.config.readPoolSize,
        idleTimeoutMillis: 10_000,
        connectionTimeoutMillis: 5000,
        query_timeout: 30_000,
        application_name: 'wxmall-api-reads',
        types: PG_TYPES,
        options: Object.entries(settings)
          .map(([name, value]) => `-c ${name}=${value}`)
          .join(' '),
      });
      // An idle connection that dies (the server restarted) must not crash the process.
      pool.on('error', (err) => this.logger.warn(`idle read connection lost: ${err.message}`));
      target.pools.set(key, pool);
    }
    return pool;
  }
}
