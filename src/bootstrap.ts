import { Logger, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { ADMIN_CSP, ADMIN_PATH, isAdminConsolePath, setupAdminConsole } from './admin-console/admin-console';
import { AppModule } from './app.module';
import type { Clock } from './common/clock';
import type { AppConfig } from './config/app-config';
import { requireJsonBodies } from './http/body-media-type';
import { httpServerOptions, trackResponses } from './http/http-server';
import { registerJsonBodyParser } from './http/json-body-parser';
import { registerStaticHeaders, securityHeaders } from './http/security-headers';
import { AppLogger } from './logging/app-logger';
import { createRootLogger } from './logging/logging.options';
import { REQUEST_ID_HEADER, requestIdOf } from './logging/request-id';
import { registerRequestLogging } from './logging/request-logging';
import { MEDIA_FILES_ROUTE } from './media/media-files.controller';
import { registerMultipart } from './media/multipart-upload';
import { DOCS_PATH, setupOpenApi } from './openapi/openapi';

/** Request bodies over this many bytes answer 413. */
export const BODY_LIMIT_BYTES = 100 * 1024;

export interface CreateAppOptions {
  /**
   * Nest's logger. Default: the app's JSON logger (AppLogger over `rootLogger`). main.ts
   * passes the same, made before the app, so a start that fails is logged as it happens.
   */
  logger?: LoggerService | LogLevel[] | false;
  /** The pino logger of the request lines (default: one made from the config, writing to `logDestination`). */
  rootLogger?: PinoLogger;
  /** Where the JSON log lines go (default: stdout). Tests pass a stream to read them. */
  logDestination?: DestinationStream;
  /** The app's clock (default: the system clock). Tests pass one they can move forward. */
  clock?: Clock;
}

/** A route as Fastify registered it, e.g. `{ method: 'GET', url: '/api/users/:id' }`. */
export interface RegisteredRoute {
  method: string;
  url: string;
}

const registered = new WeakMap<object, RegisteredRoute[]>();

/** Every route the app's Fastify instance registered (recorded by an onRoute hook), for the OpenAPI coverage test. */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  return registered.get(app) ?? [];
}

/** The API answers JSON only, so it needs no sources at all; this also forbids framing it. */
const API_CSP = { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] };
/** Swagger UI loads its scripts and styles from /docs, uses inline styles and data: images. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/**
 * Which X-Forwarded-For entries Fastify believes for `request.ip` (the client address of the
 * rate limits). With N proxies in a row, the entry the outermost one appended: entries
 * further left were sent by the client and are ignored. (Fastify refuses a bare hop count,
 * so it gets the equivalent trust function.) With addresses, only hops from them count.
 */
function trustProxyOption(trust: number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (Array.isArray(trust)) return trust;
  if (trust <= 0) return false;
  return (_address, hop) => hop < trust;
}

/** Builds the HTTP app (used by main.ts and by the e2e tests, so both run the same setup). */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const edgeLogger = new Logger('Http');
  const adapter = new FastifyAdapter({
    ...httpServerOptions(config.timeouts.http, () =>
      edgeLogger.warn(`a connection sent incomplete request headers for ${config.timeouts.http.headersMs / 1000} s: answered 408 and closed it`),
    ),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustProxyOption(config.trustProxy),
    // Finish in-flight requests on close, but do not wait for idle keep-alive sockets.
    forceCloseConnections: 'idle',
    // One request id for Fastify, the logs and the X-Request-Id response header.
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
  });
  const routes: RegisteredRoute[] = [];
  adapter.getInstance().addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: String(method), url: route.url });
  });

  const rootLogger = options.rootLogger ?? createRootLogger(config, options.logDestination);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, { clock: options.clock }), adapter, {
    logger: options.logger ?? new AppLogger(rootLogger),
    abortOnError: false,
    // No form or text parsers: registerJsonBodyParser below registers the only one.
    bodyParser: false,
  });
  registered.set(app, routes);

  const fastify = app.getHttpAdapter().getInstance();
  // For closeGracefully, which waits for the requests it cuts at the end of a shutdown grace.
  trackResponses(fastify.server);
  // One summary line per request, and the request's id on every line written while serving it.
  registerRequestLogging(fastify, rootLogger);
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // Bodies: JSON only, at most MAX_JSON_DEPTH deep; any other media type is a 415 unless a route opts in with @AcceptBody().
  registerJsonBodyParser(fastify, BODY_LIMIT_BYTES);
  requireJsonBodies(fastify);
  // Graceful shutdown: close() stops accepting and drops idle keep-alive sockets, but a
  // socket whose request was in flight would stay open (keep-alive) after its answer and
  // hold the shutdown for the keep-alive timeout. Answers sent while closing end their socket.
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  registerStaticHeaders(fastify, securityHeaders({ contentSecurityPolicy: { useDefaults: false, directives: API_CSP } }));
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const url = request.url;
    if (url.startsWith(`/${DOCS_PATH}`) || url.startsWith(`/${ADMIN_PATH}`)) {
      const path = url.split('?')[0];
      if (path === `/${DOCS_PATH}` || path.startsWith(`/${DOCS_PATH}/`)) reply.header('content-security-policy', DOCS_CSP);
      else if (config.adminConsole.enabled && isAdminConsolePath(path)) reply.header('content-security-policy', ADMIN_CSP);
    }
    done(null, payload);
  });
  // The staff console at /admin (ADMIN_CONSOLE), outside the /api prefix.
  if (config.adminConsole.enabled) await setupAdminConsole(app);
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      exposedHeaders: [REQUEST_ID_HEADER, 'retry-after'],
      maxAge: 600,
    });
  }

  // Image uploads: multipart bodies on the routes marked for them (src/media).
  await registerMultipart(app);
  // Stored images are served at /media/{key}, outside the JSON API.
  app.setGlobalPrefix('api', { exclude: [MEDIA_FILES_ROUTE] });
  if (config.apiDocs) setupOpenApi(app);
  await app.init();
  return app;
}
