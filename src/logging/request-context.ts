import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';

/** A request as its log lines show it (the logger's `req` serialiser redacts the URL's secret query values). */
export interface LoggedRequest {
  id: string;
  method: string;
  url: string;
}

/** What the log lines written while a request is served know about it. */
export class RequestContext {
  private logged?: LoggedRequest;

  constructor(
    readonly id: string,
    private readonly raw: IncomingMessage,
    /** `performance.now()` when the request arrived. */
    readonly startedAt: number,
  ) {}

  /** `{ id, method, url }`, built once, on the first line that needs it. */
  get req(): LoggedRequest {
    return (this.logged ??= { id: this.id, method: this.raw.method ?? '', url: this.raw.url ?? '' });
  }
}

/**
 * The request being served, for every log line written while serving it (AppLogger puts
 * its `req` on them). Entered by the request logging hook (request-logging.ts) for the rest
 * of the request's handling, guards, services and database calls included.
 */
export const requestContext = new AsyncLocalStorage<RequestContext>();
