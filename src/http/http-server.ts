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

/** The status the server answered on the socket itself for a request it cut (408), for the request's log line. */
export function cutStatusOf(res: ServerResponse): number | undefined {
  return (res as ServerResponse & { [CUT_STATUS]?: number })[CUT_STATUS];
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
    routerOptions: { ignoreTrailingSlash: true },
  };
}

/**
 * Closes the app on SIGTERM: stops accepting, lets requests in flight finish, then shuts the
 * modules down (database pool included). Connections still open after `graceMs` (a client
 * that stalls mid-request, a request that outlives the grace) are closed, so one slow client
 * cannot hold the process until the platform's SIGKILL.
 */
export async function closeGracefully(app: INestApplication, graceMs: number, logger: LoggerService): Promise<void> {
  const server = app.getHttpServer() as Server;
  const timer = setTimeout(() => {
    logger.warn(`connections still open ${graceMs / 1000} s after the shutdown began: closing them`);
    server.closeAllConnections();
  }, graceMs);
  timer.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
