import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { domainError } from '../common/errors';

/** The one media type every route accepts for a request body. */
export const JSON_MEDIA_TYPE = 'application/json';

/** The key of the Fastify route config that lists a route's extra body media types. */
const BODY_MEDIA_TYPES = 'bodyMediaTypes';

export class UnsupportedMediaTypeError extends domainError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json') {}

/** `multipart/form-data; boundary=x` → `multipart/form-data`. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Lets one route take bodies of these media types besides JSON, e.g. an upload route:
 * `@AcceptBody('multipart/form-data')` beside `@Post('avatar')`. The parser for the type must
 * be registered too (`@fastify/multipart` registers one for multipart/form-data); every
 * other route keeps answering 415 for it. (A Fastify route config: do not combine with
 * another `@RouteConfig()` on the same handler, which would replace it.)
 */
export const AcceptBody = (...mediaTypes: string[]) => RouteConfig({ [BODY_MEDIA_TYPES]: mediaTypes.map(mediaTypeOf) });

/** Whether the request carries a body, as Fastify decides it before choosing a parser. */
function hasBody(request: FastifyRequest): boolean {
  const { 'content-length': length, 'transfer-encoding': encoding } = request.headers;
  return encoding !== undefined || (length !== undefined && length !== '0');
}

/**
 * One rule for request bodies, checked before any parser runs: a body whose media type is
 * not application/json (form-encoded, text/plain, XML, multipart, none given) answers 415
 * UNSUPPORTED_MEDIA_TYPE, unless the route accepts that type with `@AcceptBody()`. A
 * preParsing hook, so the other request hooks (request id, security headers, CORS) have run.
 * Unknown routes keep their 404; GET and HEAD bodies are never read.
 */
export function requireJsonBodies(fastify: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request, and most have no body.
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.is404 || !hasBody(request)) return done(null, payload);
    const type = mediaTypeOf(request.headers['content-type']);
    if (type === JSON_MEDIA_TYPE) return done(null, payload);
    const accepted = (request.routeOptions.config as { [BODY_MEDIA_TYPES]?: string[] } | undefined)?.[BODY_MEDIA_TYPES];
    if (type && accepted?.includes(type)) return done(null, payload);
    done(new UnsupportedMediaTypeError());
  });
}
