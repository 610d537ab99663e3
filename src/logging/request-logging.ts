import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { closedAtShutdown, cutStatusOf } from '../http/http-server';
import { RequestContext, requestContext } from './request-context';

/** Load balancers poll the health check every few seconds; those lines are noise. */
const UNLOGGED_PREFIX = '/api/health';

/** The client closed the connection before the answer was sent. */
function abandoned(res: ServerResponse): boolean {
  return !res.writableFinished && cutStatusOf(res) === undefined;
}

/** The summary line's message: `POST 201`, `POST 408` for a request the server cut, or `POST aborted…`. */
function summary(method: string, res: ServerResponse): string {
  if (abandoned(res) && closedAtShutdown(res)) return `${method} aborted: its connection was closed at the end of the shutdown grace`;
  if (abandoned(res)) return `${method} aborted: the client closed the connection before the answer`;
  return `${method} ${cutStatusOf(res) ?? res.statusCode}`;
}

function levelOf(res: ServerResponse): 'info' | 'warn' | 'error' {
  if (abandoned(res)) return closedAtShutdown(res) ? 'warn' : 'info';
  const status = cutStatusOf(res) ?? res.statusCode;
  if (status >= 500) return 'error';
  return status >= 400 ? 'warn' : 'info';
}

/**
 * One summary line per request (`GET 200`, with `req`, `res.statusCode` and
 * `responseTime` in ms), and the request's context for every line written while it is
 * served. A Fastify hook, not Nest middleware: it runs before routing, costs one
 * AsyncLocalStorage entry and one listener per request, and builds no per-request logger.
 * The line is written when the response closes, so a request the client abandoned, or the
 * server cut (408) or closed at the end of a shutdown grace, is logged too.
 */
export function registerRequestLogging(fastify: FastifyInstance, root: Logger): void {
  // Without the root's redaction paths, which cost more than the rest of the line: a summary
  // line holds only what is built below (the `req` serialiser redacts the URL's secret values).
  const logger = root.child({}, { redact: { paths: [] } });
  fastify.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    const context = new RequestContext(request.id, raw, performance.now());
    if (!raw.url?.startsWith(UNLOGGED_PREFIX)) {
      const res = reply.raw;
      res.once('close', () => {
        const level = levelOf(res);
        if (!logger.isLevelEnabled(level)) return;
        const line: Record<string, unknown> = {
          req: context.req,
          res: { statusCode: cutStatusOf(res) ?? (res.headersSent ? res.statusCode : null) },
          responseTime: Math.round(performance.now() - context.startedAt),
        };
        if (abandoned(res)) line.aborted = true;
        logger[level](line, summary(context.req.method, res));
      });
    }
    requestContext.run(context, done);
  });
}
