import { Logger } from '@nestjs/common';
import { domainError } from '../common/errors';

/** Seconds a client is told to wait (Retry-After) when PostgreSQL is unreachable: PostgreSQL restarts and failovers take a few. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export class DatabaseUnavailableError extends domainError(503, 'DATABASE_UNAVAILABLE', 'The database is unavailable; retry shortly', {
  'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
}) {}

/** Socket errors of a connection to PostgreSQL that could not be made or was lost. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs that mean "no usable connection", not "bad query": 57P01 admin_shutdown,
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, in recovery), 53300
 * too_many_connections, and class 08 (connection exceptions).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * node-postgres reports some losses with a message and no code: a connection closed under a
 * query or during its start-up, the connect timeout (pg's Client), and the pool's wait for a
 * connection (pg-pool's connectionTimeoutMillis).
 */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated unexpectedly$/,
  /^Connection terminated due to connection timeout$/,
  /^Connection terminated$/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
];

/**
 * Why an error means PostgreSQL is unreachable (a short reason for the log: a socket error
 * code, a SQLSTATE, or "connect timeout"), or null when it is any other error. Looks through
 * TypeORM's wrapper (`driverError`), `cause`, and the attempts of an AggregateError (a host
 * with several addresses).
 */
export function databaseUnavailableReason(error: unknown, depth = 0): string | null {
  if (!error || typeof error !== 'object' || depth > 4) return null;
  const { code, syscall, message, driverError, cause, errors } = error as {
    code?: unknown;
    syscall?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    // A socket error of a connection the app made (`connect ECONNREFUSED`, `read ECONNRESET`)
    // names its syscall; a client that hung up mid-request (`aborted`, ECONNRESET) does not.
    if (NETWORK_CODES.has(code) && typeof syscall === 'string') return code;
    if (UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return `SQLSTATE ${code}`;
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) {
    return /timeout/.test(message) ? 'connect timeout' : 'connection lost';
  }
  for (const inner of [driverError, cause, ...(Array.isArray(errors) ? errors : [])]) {
    const reason = databaseUnavailableReason(inner, depth + 1);
    if (reason) return reason;
  }
  return null;
}

/**
 * The log of an outage, one burst at a time: a warning at its first failed request, then
 * silence (no stack per request), and when no request has failed for `quietMs`, one line
 * with how many requests were answered 503 and for how long. A long outage gets a line with
 * the running count every minute.
 */
export class DatabaseOutageLog {
  private readonly logger = new Logger('DatabaseOutage');
  private burst: { startedAt: number; lastAt: number; count: number; reportedAt: number } | null = null;
  /**
   * Started with the log (at boot), not by the first failure: a timer started inside a
   * request would carry that request's id into every line it logs.
   */
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly quietMs: number,
    private readonly now: () => number = Date.now,
    private readonly progressEveryMs = 60_000,
  ) {
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(quietMs / 4)));
    this.timer.unref();
  }

  /** One request answered 503 because of `reason`. */
  record(reason: string): void {
    const now = this.now();
    if (this.burst) {
      this.burst.count++;
      this.burst.lastAt = now;
      return;
    }
    this.logger.warn(`PostgreSQL unreachable (${reason}): answering 503 DATABASE_UNAVAILABLE until it is back`);
    this.burst = { startedAt: now, lastAt: now, count: 1, reportedAt: now };
  }

  /** Ends a burst quiet for quietMs with its count, or reports the running count of a long one. */
  tick(): void {
    const burst = this.burst;
    if (!burst) return;
    const now = this.now();
    const seconds = Math.round((burst.lastAt - burst.startedAt) / 1000);
    if (now - burst.lastAt >= this.quietMs) {
      this.burst = null;
      this.logger.log(`PostgreSQL outage over (no failure for ${this.quietMs / 1000} s): ${burst.count} requests answered 503 DATABASE_UNAVAILABLE in ${seconds} s`);
    } else if (now - burst.reportedAt >= this.progressEveryMs) {
      burst.reportedAt = now;
      this.logger.warn(`PostgreSQL still unreachable: ${burst.count} requests answered 503 DATABASE_UNAVAILABLE in ${seconds} s so far`);
    }
  }

  /** The app is closing. */
  stop(): void {
    clearInterval(this.timer);
    this.burst = null;
  }
}
