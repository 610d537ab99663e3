import pino, { DestinationStream, LevelWithSilent, Logger } from 'pino';
import type { AppConfig } from '../config/app-config';

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

/**
 * An error in a log line: type, message, stack and code. pino's default serialiser copies
 * every enumerable property, which for a TypeORM QueryFailedError includes the query's
 * parameters (tokens, hashes), so it is not used.
 */
function serializeError(err: unknown) {
  // An error may come wrapped, with the error itself as `raw` (as pino-std-serializers wraps it).
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

/**
 * A request in a log line: id, method and URL (secret query values redacted) — never
 * headers (Authorization, cookies) or the body, even when code logs a raw request.
 */
function serializeRequest(req: { id?: unknown; method?: unknown; url?: unknown; originalUrl?: unknown }) {
  const url = typeof req?.originalUrl === 'string' ? req.originalUrl : typeof req?.url === 'string' ? req.url : '';
  return { id: req?.id, method: req?.method, url: redactUrl(url) };
}

/** A response in a log line: its status only (no headers, so no Set-Cookie). */
function serializeResponse(res: { statusCode?: unknown }) {
  return { statusCode: res?.statusCode ?? null };
}

/**
 * The app's one pino logger: JSON lines, ISO times, `level` as a word, redaction, and
 * serialisers that keep secrets out of `req`, `res` and `err`. main.ts makes it before the
 * app exists (the embedded PostgreSQL and dev-fake warnings come first) and hands it to the
 * app; tests give a destination to read the lines.
 */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel as LevelWithSilent,
      base: { service: 'wxmall-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: { req: serializeRequest, res: serializeResponse, err: serializeError },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
