import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { DestinationStream, LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { closedAtShutdown, cutStatusOf } from '../http/http-server';
import { requestIdOf } from './request-id';

/**
 * Field names whose values are secrets: the WeChat login code, session_key, tokens,
 * passwords, WeChat's encrypted data and its iv, the app secret. Used both for
 * object redaction and for the query strings of logged URLs.
 */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'password',
  'refreshToken',
  'refresh_token',
  'accessToken',
  'access_token',
  'token',
  'code',
  'js_code',
  'session_key',
  'sessionKey',
  'encryptedData',
  'iv',
  'secret',
  'signature',
] as const;

const CENSOR = '[Redacted]';
const SECRET_QUERY_KEYS = new Set(SECRET_FIELDS.map((name) => name.toLowerCase()));

/**
 * pino's redaction for objects the code logs: headers of a serialised request, and
 * secret fields at the top level or one level down (`{ body: { password } }`). The
 * request serialiser below already drops headers and bodies; this is the second line.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((name) => [name, `*.${name}`]),
];

/** The URL as logged: path kept, the values of secret query parameters replaced. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const kept: string[] = [];
  for (const [key, value] of params) {
    kept.push(`${encodeURIComponent(key)}=${SECRET_QUERY_KEYS.has(key.toLowerCase()) ? CENSOR : encodeURIComponent(value)}`);
  }
  return `${url.slice(0, q)}?${kept.join('&')}`;
}

/** Middleware sees the URL below its mount point (`/health`); originalUrl is the one the client sent. */
function originalUrl(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
}

interface SerializedRequest {
  id: string;
  method: string;
  url: string;
  raw: IncomingMessage;
}

/** A request in a log line: id, method and URL only — never headers (Authorization, cookies) or the body. */
function serializeRequest(req: SerializedRequest) {
  return { id: req.id, method: req.method, url: redactUrl(req.raw ? originalUrl(req.raw) : req.url) };
}

/**
 * A response in a log line: its status only (no headers, so no Set-Cookie). pino gives
 * `statusCode: null` when none was sent; a request the server cut (408) gets that status.
 */
function serializeResponse(res: { statusCode: number | null; raw?: ServerResponse }) {
  return { statusCode: (res.raw && cutStatusOf(res.raw)) ?? res.statusCode };
}

/** The client closed the connection before the answer was sent (its summary line is logged on close). */
function abandoned(res: ServerResponse): boolean {
  return !res.writableEnded && cutStatusOf(res) === undefined;
}

/** The summary line's message: `POST 201`, `POST 408` for a request the server cut, or `POST aborted…`. */
function summary(req: IncomingMessage, res: ServerResponse): string {
  if (abandoned(res) && closedAtShutdown(res)) return `${req.method} aborted: its connection was closed at the end of the shutdown grace`;
  if (abandoned(res)) return `${req.method} aborted: the client closed the connection before the answer`;
  return `${req.method} ${cutStatusOf(res) ?? res.statusCode}`;
}

/**
 * An error in a log line: type, message, stack and code. pino's default serialiser copies
 * every enumerable property, which for a TypeORM QueryFailedError includes the query's
 * parameters (tokens, hashes), so it is not used.
 */
function serializeError(err: unknown) {
  // pino-http hands custom serialisers pino's own serialisation, with the error as `raw`.
  const raw = (err as { raw?: unknown } | null)?.raw;
  const e = raw instanceof Error ? raw : err;
  if (e instanceof Error) {
    const { code } = e as Error & { code?: unknown };
    return { type: e.name, message: e.message, stack: e.stack, ...(typeof code === 'string' ? { errCode: code } : {}) };
  }
  if (e && typeof e === 'object') {
    const { type, message, stack } = e as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return { type: text(type), message: text(message), stack: text(stack) };
  }
  return { message: String(e) };
}

/** The nestjs-pino parameters: JSON lines, request ids, redaction, one summary line per request. */
export function buildLoggerParams(config: AppConfig, destination?: DestinationStream): Params {
  const options: Options<IncomingMessage, ServerResponse> = {
    level: config.logLevel as LevelWithSilent,
    base: { service: 'wxmall-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    genReqId: (req) => requestIdOf(req),
    serializers: {
      req: serializeRequest as never,
      res: serializeResponse as never,
      err: serializeError,
    },
    customLogLevel: (_req, res, err) => {
      const status = cutStatusOf(res) ?? res.statusCode;
      if (err || status >= 500) return 'error';
      if (abandoned(res)) return closedAtShutdown(res) ? 'warn' : 'info';
      return status >= 400 ? 'warn' : 'info';
    },
    // Load balancers poll the health check every few seconds; those lines are noise.
    autoLogging: { ignore: (req) => originalUrl(req).startsWith('/api/health') },
    customSuccessMessage: summary,
    customErrorMessage: summary,
    customSuccessObject: (_req, res, value) => (abandoned(res) ? { ...value, aborted: true } : value),
    // For a 5xx answer without an error, pino-http makes one up ("failed with status code
    // 503") and logs its stack, which points into pino-http itself: a stack per request
    // during an outage, and nothing to learn from. Errors worth a stack are logged where
    // they happen (the exception filter).
    customErrorObject: (_req, res, error, value) => {
      if (error?.message !== `failed with status code ${res.statusCode}`) return value;
      const { err: _made_up, ...rest } = value as Record<string, unknown>;
      return rest;
    },
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    renameContext: 'context',
  };
}
