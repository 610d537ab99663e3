import type { INestApplication, LoggerService } from '@nestjs/common';
import type { FastifyHttpOptions, FastifyReply, FastifyRequest } from 'fastify';
import { ServerResponse, STATUS_CODES } from 'node:http';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Timeouts } from '../config/timeouts';
import { REQUEST_ID_HEADER } from '../logging/request-id';

/** Our error shape, for the answers Node and Fastify's router give before Nest (and its exception filter) sees the request. */
function errorBody(status: number, code: string, message: string): string {
  return JSON.stringify({ statusCode: status, message, error: STATUS_CODES[status] ?? 'Error', code });
}

const CUT_STATUS = Symbol('wxmall.cutStatus');
const CUT_AT_SHUTDOWN = Symbol('wxmall.cutAtShutdown');

/** The status the server answered on the socket itself for a request it cut (408), for the request's log line. */
export function cutStatusOf(res: ServerResponse): number | undefined {
  return (res as ServerResponse & { [CUT_STATUS]?: number })[CUT_STATUS];
}

/** Whether the request's connection was closed by the server at the end of the shutdown grace (no answer was sent). */
export function closedAtShutdown(res: ServerResponse): boolean {
  return (res as ServerResponse & { [CUT_AT_SHUTDOWN]?: boolean })[CUT_AT_SHUTDOWN] === true;
}

/**
 * Node reports a request it gave up on (too slow, malformed) as a client error on the
 * socket; Fastify answers it on the raw socket. This answers in our error shape instead.
 * A request whose body was still arriving has a response in progress: it is marked, so its
 * log line says 408 rather than "aborted".
 */
function clientErrorHandler(onHeadersTimeout: () => void) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let status = 400;
    let body = errorBody(400, 'VALIDATION_FAILED', 'Malformed HTTP request');
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      body = errorBody(408, 'REQUEST_TIMEOUT', 'The request was not received in full in time');
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      body = errorBody(431, 'HEADERS_TOO_LARGE', 'Request headers are too large');
    }
    const inProgress = (socket as Socket & { _httpMessage?: unknown })._httpMessage;
    const res = inProgress instanceof ServerResponse ? inProgress : undefined;
    // A request in progress gets its summary line (with this status) from the request log;
    // a connection that never completed its headers has no request to log: it is logged here.
    if (res) (res as ServerResponse & { [CUT_STATUS]?: number })[CUT_STATUS] = status;
    else if (status === 408) onHeadersTimeout();
    if (socket.writable && !res?.headersSent) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
}

/**
 * Errors Fastify's router meets before any hook runs: an over-long path parameter (414,
 * Fastify's own body would echo the path), a malformed percent-encoding (400). They get our
 * error shape, the request id, and no echo of the URL.
 */
function frameworkErrors(error: Error & { code?: string; statusCode?: number }, request: FastifyRequest, reply: FastifyReply): void {
  let status = 500;
  let body = errorBody(500, 'INTERNAL_ERROR', 'Internal server error');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    status = 414;
    body = errorBody(414, 'URI_TOO_LONG', 'A path parameter is too long');
  } else if (error.code === 'FST_ERR_BAD_URL') {
    status = 400;
    body = errorBody(400, 'VALIDATION_FAILED', 'The URL is not validly encoded');
  }
  void reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .header(REQUEST_ID_HEADER, request.id)
    .send(body);
}

/** `/api/goods/?page=2` → `/api/goods?page=2`: the API answers alike with or without a trailing slash. */
export function stripApiTrailingSlash(url: string): string {
  if (!url.startsWith('/api/')) return url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path.length <= '/api/'.length || !path.endsWith('/')) return url;
  return path.replace(/\/+$/, '') + (q < 0 ? '' : url.slice(q));
}

/**
 * The Fastify options of the HTTP edge: the timeouts of docs/operations.md, our error shape
 * for the answers given before Nest sees a request, and paths that answer alike with or
 * without a trailing slash (`/api/goods/` as clients of the Django REST framework recipe send it).
 */
export function httpServerOptions(timeouts: Timeouts['http'], onHeadersTimeout: () => void): FastifyHttpOptions<Server> {
  return {
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      requestTimeout: timeouts.requestMs,
      headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    clientErrorHandler: clientErrorHandler(onHeadersTimeout),
    frameworkErrors,
    // Only the API's paths: the staff console needs `/admin/` and `/admin` to stay apart (the
    // page loads its modules by relative URLs from `/admin/`).
    rewriteUrl: (req) => stripApiTrailingSlash(req.url ?? '/'),
  };
}

/** The responses not yet closed, per server (see trackResponses). */
const openResponses = new WeakMap<Server, Set<ServerResponse>>();

/** Keeps the set of responses in progress, so a shutdown that closes their connections can wait for their close (and log lines). */
export function trackResponses(server: Server): void {
  const open = new Set<ServerResponse>();
  openResponses.set(server, open);
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    res.once('close', () => open.delete(res));
  });
}

/**
 * Closes the app on SIGTERM: stops accepting, lets requests in flight finish, then shuts the
 * modules down (database pool included). Connections still open after `graceMs` (a client
 * that stalls mid-request, a request that outlives the grace) are closed, so one slow client
 * cannot hold the process until the platform's SIGKILL. (Node stops enforcing the request
 * timeout once the server closes, so during a shutdown the grace is what bounds a stalled client.)
 */
export async function closeGracefully(app: INestApplication, graceMs: number, logger: LoggerService): Promise<void> {
  const server = app.getHttpServer() as Server;
  let cut: ServerResponse[] = [];
  const timer = setTimeout(() => {
    cut = [...(openResponses.get(server) ?? [])];
    for (const res of cut) (res as ServerResponse & { [CUT_AT_SHUTDOWN]?: boolean })[CUT_AT_SHUTDOWN] = true;
    logger.warn(`connections still open ${graceMs / 1000} s after the shutdown began: closing them`);
    server.closeAllConnections();
  }, graceMs);
  timer.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
  // The requests cut log their line when their response closes, which can come after the
  // server's own close: wait for it (briefly) before the caller exits.
  const unclosed = cut.filter((res) => !res.closed);
  if (unclosed.length) {
    let late: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(unclosed.map((res) => new Promise((resolve) => res.once('close', resolve)))),
      new Promise((resolve) => (late = setTimeout(resolve, 1000))),
    ]);
    clearTimeout(late);
  }
}
