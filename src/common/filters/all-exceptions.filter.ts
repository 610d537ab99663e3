import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { databaseUnavailableReason, DatabaseOutageLog, DatabaseUnavailableError } from '../../database/database-outage';
import { DomainError } from '../errors';

interface ErrorBody {
  statusCode: number;
  message: string | string[];
  error: string;
  code?: string;
}

/**
 * SQLSTATEs that mean "the client sent text PostgreSQL cannot store" (character_not_in_repertoire:
 * a NUL; untranslatable_character): validation should have refused it, and if it slipped
 * through it is still the client's 400, not our 500.
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const UNSTORABLE_TEXT_SQLSTATES = new Set(['22021', '22P05']);

/**
 * The one place errors become HTTP answers: domain errors get their status and stable
 * `code`; Nest's HTTP exceptions keep their shape; framework errors that carry a 4xx
 * status (body too large, malformed JSON) keep it; text the database cannot store is a
 * 400; PostgreSQL out of reach is a 503 DATABASE_UNAVAILABLE with Retry-After, logged once
 * per outage rather than once per request; anything else is a 500 whose details stay in
 * the log, never in the response.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter, OnApplicationShutdown {
  private readonly logger = new Logger('ExceptionFilter');
  private readonly outage: DatabaseOutageLog;

  constructor(@Optional() @Inject(APP_CONFIG) config?: AppConfig) {
    this.outage = new DatabaseOutageLog(config?.timeouts.database.outageQuietMs ?? 10_000);
  }

  onApplicationShutdown(): void {
    this.outage.stop();
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse();
    if (abortedByClient(exception)) {
      // Nobody reads this answer, and the request's log line already says "aborted": no error line.
      reply.status(HttpStatus.BAD_REQUEST).send({ statusCode: 400, message: 'Request aborted by the client', error: reason(400), code: defaultCode(400) });
      return;
    }
    const unreachable = exception instanceof DomainError ? null : databaseUnavailableReason(exception);
    if (unreachable) this.outage.record(unreachable);
    const { status, body, headers } = this.toResponse(unreachable ? new DatabaseUnavailableError() : exception);
    if (unreachable || (exception instanceof DomainError && exception.quiet)) {
      // Logged by whoever knows more: the outage log above, or the thrower.
    } else if (status >= 500 && exception instanceof DomainError) {
      this.logger.warn(`${exception.name}: ${exception.message}`);
    } else if (status >= 500) {
      const err = exception as Error;
      this.logger.error(`Unhandled ${err?.name ?? 'error'}: ${err?.message ?? String(exception)}`, err?.stack);
    }
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(status).send(body);
  }

  private toResponse(exception: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof DomainError) {
      return {
        status: exception.status,
        body: { statusCode: exception.status, message: exception.message, error: reason(exception.status), code: exception.code },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) {
        // A library's 5xx (e.g. terminus's) may carry a driver message: only the status leaves.
        return { status, body: { statusCode: status, message: reason(status), error: reason(status), code: defaultCode(status) }, headers: {} };
      }
      const response = exception.getResponse();
      const body: ErrorBody =
        typeof response === 'object' && response !== null
          ? { statusCode: status, error: reason(status), message: exception.message, ...(response as object) }
          : { statusCode: status, message: String(response), error: reason(status) };
      if (!body.code) body.code = defaultCode(status);
      return { status, body, headers: {} };
    }
    const statusCode = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const message = statusCode === 413 ? 'Request body is too large' : statusCode === 400 ? 'Malformed request body' : reason(statusCode);
      return { status: statusCode, body: { statusCode, message, error: reason(statusCode), code: defaultCode(statusCode) }, headers: {} };
    }
    const sqlState = sqlStateOf(exception);
    if (sqlState && UNSTORABLE_TEXT_SQLSTATES.has(sqlState)) {
      // The driver's message may quote the offending bytes: only a fixed message leaves, and
      // the log says which input validation let through without repeating it.
      this.logger.warn(`Text the database cannot store reached a query (SQLSTATE ${sqlState}); a validator should refuse it`);
      const status = HttpStatus.BAD_REQUEST;
      return { status, body: { statusCode: status, message: 'Text contains characters that cannot be stored', error: reason(status), code: defaultCode(status) }, headers: {} };
    }
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    return { status, body: { statusCode: status, message: 'Internal server error', error: reason(status), code: 'INTERNAL_ERROR' }, headers: {} };
  }
}

/**
 * The error of a request stream whose client hung up before sending the whole body (Node's
 * `aborted`, ECONNRESET without a syscall: not a socket of ours). Fastify's body reader passes it on.
 */
function abortedByClient(exception: unknown): boolean {
  const err = exception as { code?: unknown; message?: unknown; syscall?: unknown } | null;
  return err?.code === 'ECONNRESET' && err.message === 'aborted' && err.syscall === undefined;
}

/** The SQLSTATE of a PostgreSQL error, whether TypeORM wrapped it (QueryFailedError.driverError) or not. */
function sqlStateOf(exception: unknown): string | undefined {
  const err = exception as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = err?.driverError?.code ?? err?.code;
  return typeof code === 'string' ? code : undefined;
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function defaultCode(status: number): string {
  switch (status) {
    case 400: return 'VALIDATION_FAILED';
    case 401: return 'UNAUTHORIZED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 409: return 'CONFLICT';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 429: return 'RATE_LIMITED';
    default: return reason(status).toUpperCase().replace(/[^A-Z]+/g, '_');
  }
}
