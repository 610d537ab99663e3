import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The security headers helmet sets with these options, worked out once by running helmet's
 * own middleware on a recording response. They depend on nothing in the request, so every
 * answer gets the same set: computing them per request (@fastify/helmet runs helmet's twelve
 * middlewares on each one) cost a fifth of a small request's CPU (docs/performance.md).
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  let finished = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
    finished = true;
  });
  // helmet's middlewares are synchronous; one that is not would be a reason to look again.
  if (!finished || failure) throw new Error(`helmet did not produce its headers synchronously: ${String(failure ?? 'no callback')}`);
  return Object.freeze(headers);
}

/** Sets `headers` on every answer, errors and 404s included (an onRequest hook runs before routing). */
export function registerStaticHeaders(fastify: FastifyInstance, headers: Readonly<Record<string, string>>): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
