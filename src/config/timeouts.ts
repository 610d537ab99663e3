/**
 * The bounds of the HTTP server and of the app's patience with its dependencies. Not
 * settings an operator changes: fixed here and documented in docs/operations.md, kept in
 * the configuration object only so that a test can start an app with shorter ones (through
 * `startTestApp({ configure })`) instead of waiting out the real ones.
 */
export interface Timeouts {
  http: {
    /** A request (headers and body) not received in full within this answers 408 and its connection is closed. */
    requestMs: number;
    /** Headers not received in full within this answer 408 (at most requestMs). */
    headersMs: number;
    /** An idle keep-alive connection is closed after this (longer than the usual load balancer idle timeout of 60 s). */
    keepAliveMs: number;
    /** How often Node checks the two bounds above: a request is cut between requestMs and requestMs + this. */
    checkIntervalMs: number;
    /** On SIGTERM, connections still open this long after the server stopped accepting are closed. */
    shutdownGraceMs: number;
  };
  database: {
    /** A run of requests answered 503 DATABASE_UNAVAILABLE ends (and its count is logged) after this long without one. */
    outageQuietMs: number;
  };
  redis: {
    /** A Redis command slower than this fails; the rate limits then count in memory until Redis is ready again. */
    commandMs: number;
  };
}

/** The production values (a fresh object each time: a test may change its own). */
export function defaultTimeouts(): Timeouts {
  return {
    http: { requestMs: 10_000, headersMs: 10_000, keepAliveMs: 72_000, checkIntervalMs: 1_000, shutdownGraceMs: 20_000 },
    database: { outageQuietMs: 10_000 },
    redis: { commandMs: 500 },
  };
}
