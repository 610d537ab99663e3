import type { LoggerService } from '@nestjs/common';
import type { Logger, LevelWithSilent } from 'pino';
import { requestContext } from './request-context';

type Level = Exclude<LevelWithSilent, 'silent'>;

/**
 * Nest's `Logger` (which the app code uses: `new Logger('Context')`) written as pino JSON
 * lines: `context` names the class, and a line written while a request is served carries
 * that request (`req: { id, method, url }`).
 *
 * Nest calls `log(message, context)`, `error(message, stack, context)`; a message may also
 * be an object (its fields go into the line) or an Error (as `err`).
 */
export class AppLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    // Nest passes the context last (its Logger adds it when the instance has one).
    let params = rest;
    if (rest.length > 0 && (typeof rest[rest.length - 1] === 'string' || rest[rest.length - 1] === undefined)) {
      fields.context = rest[rest.length - 1];
      params = rest.slice(0, -1);
    }
    const request = requestContext.getStore();
    if (request) fields.req = request.req;
    if (message instanceof Error) {
      fields.err = message;
      this.root[level](fields, message.message);
      return;
    }
    if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
      this.root[level](fields);
      return;
    }
    // `error(message, stack)`: Nest's own exception handlers pass a stack as the second argument.
    if (level === 'error' && params.length === 1 && typeof params[0] === 'string' && /\n\s+at /.test(params[0])) {
      const err = new Error(String(message));
      err.stack = params[0];
      fields.err = err;
      this.root.error(fields, String(message));
      return;
    }
    this.root[level](fields, String(message), ...params.filter((p) => p !== undefined));
  }
}
