import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a caller's X-Request-Id may look like; anything else is replaced, so a header cannot forge log lines. */
const ACCEPTED_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const CACHED_ID = Symbol('wxmall.requestId');

/**
 * The request's id: the caller's (or the proxy's) `X-Request-Id` when it looks like one,
 * else a new UUID. Cached on the raw request, so Fastify, the log lines and the response
 * header all see the same id.
 */
export function requestIdOf(req: IncomingMessage): string {
  const holder = req as IncomingMessage & { [CACHED_ID]?: string };
  let id = holder[CACHED_ID];
  if (!id) {
    const header = req.headers[REQUEST_ID_HEADER];
    const given = Array.isArray(header) ? header[0] : header;
    id = given && ACCEPTED_ID.test(given) ? given : randomUUID();
    holder[CACHED_ID] = id;
  }
  return id;
}
