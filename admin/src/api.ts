/**
 * The console's only way to the server: the public API, with the session kept the way the
 * mini program kit keeps it. The access token lives in memory only (a script injected into
 * the page cannot find it in storage); the refresh token lives in sessionStorage (gone when
 * the tab closes, never in localStorage). Refresh tokens are single-use, so requests that
 * fail together share one refresh.
 */
import type { Role, TokenPair, User } from './types.js';

export const REFRESH_TOKEN_KEY = 'wxmall.admin.refreshToken';

/** An answer other than 2xx, or no answer at all (status 0, code NETWORK_ERROR). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The server's message(s): a 400 carries one per broken rule, e.g. "price must not be less than 0". */
    readonly messages: string[],
    /** The X-Request-Id of the exchange, for support. */
    readonly requestId: string | null,
  ) {
    super(messages[0] ?? code);
    this.name = 'ApiError';
  }
}

/** The session is over (logged out, revoked, account disabled): sign in again. */
export class SessionEndedError extends ApiError {
  constructor(cause: ApiError | null) {
    super(cause?.status ?? 401, 'SESSION_ENDED', cause?.messages ?? [], cause?.requestId ?? null);
  }
}

/** A `user` account signed in: the console is for staff and admins. */
export class NoAccessError extends ApiError {
  constructor(requestId: string | null) {
    super(403, 'NO_CONSOLE_ACCESS', ['This account has no access to the staff console'], requestId);
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  requestId: string | null;
}

export interface RequestOptions {
  body?: unknown;
  /** Multipart upload (the browser sets the boundary). */
  form?: FormData;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
}

export interface ApiClientOptions {
  fetch: typeof fetch;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Called once when the session ends by itself (revoked, disabled); not on signOut(). */
  onSessionEnded?: (error: SessionEndedError) => void;
  newRequestId?: () => string;
  /** How long to wait between looks at storage after REFRESH_IN_PROGRESS (tests pass 0). */
  refreshPollMs?: number;
  refreshPolls?: number;
}

const STAFF_ROLES: readonly Role[] = ['staff', 'admin'];
/** A 401 that a fresh access token may cure. */
const TOKEN_CODES = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'UNAUTHORIZED']);

export class ApiClient {
  private accessToken: string | null = null;
  private refreshing: Promise<void> | null = null;
  private currentUser: User | null = null;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    // A bare `fetch` reference called as a method of another object throws "Illegal invocation".
    this.fetch = (input, init) => options.fetch(input, init);
  }

  get user(): User | null {
    return this.currentUser;
  }

  /** POST /api/auth/token. A `user` account is refused here, and the session it opened is closed again. */
  async signIn(username: string, password: string): Promise<User> {
    const { body: pair, requestId } = await this.exchange<TokenPair>('POST', '/api/auth/token', { body: { username, password } }, null);
    if (!STAFF_ROLES.includes(pair.user.role)) {
      await this.exchange('POST', '/api/auth/logout', { body: { refreshToken: pair.refreshToken } }, null).catch(() => undefined);
      throw new NoAccessError(requestId);
    }
    this.adopt(pair);
    return pair.user;
  }

  /** After a reload: the access token is gone, the refresh token is still in sessionStorage. */
  async resume(): Promise<User | null> {
    if (!this.options.storage.getItem(REFRESH_TOKEN_KEY)) return null;
    try {
      await this.refresh();
    } catch (err) {
      if (err instanceof SessionEndedError) return null;
      throw err;
    }
    return this.currentUser;
  }

  /** POST /api/auth/logout (revokes the session on the server), then forgets both tokens. */
  async signOut(): Promise<void> {
    const refreshToken = this.options.storage.getItem(REFRESH_TOKEN_KEY);
    this.forget();
    if (refreshToken) await this.exchange('POST', '/api/auth/logout', { body: { refreshToken } }, null).catch(() => undefined);
  }

  /** A call as the signed-in user: on a token 401, refresh once (shared with concurrent calls) and replay. */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    if (!this.accessToken) await this.refresh();
    const sent = this.accessToken;
    try {
      return await this.exchange<T>(method, path, options, sent);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || !TOKEN_CODES.has(err.code)) throw err;
    }
    // Another call may have refreshed while this one was in flight: then its token is newer.
    if (this.accessToken === sent) await this.refresh();
    try {
      return await this.exchange<T>(method, path, options, this.accessToken);
    } catch (err) {
      // Refused again with a brand-new token: the session itself is gone.
      if (err instanceof ApiError && err.status === 401 && TOKEN_CODES.has(err.code)) throw this.end(err);
      throw err;
    }
  }

  /** One refresh at a time: callers that arrive while one is in flight wait for it. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.refreshFromStorage().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refreshFromStorage(): Promise<void> {
    // Read the stored token now, never a copy from earlier: another holder may have rotated it.
    let token = this.options.storage.getItem(REFRESH_TOKEN_KEY);
    if (!token) throw this.end(null);
    for (;;) {
      try {
        const { body: pair } = await this.exchange<TokenPair>('POST', '/api/auth/refresh', { body: { refreshToken: token } }, null);
        this.adopt(pair);
        return;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 401) throw err;
        if (err.code !== 'REFRESH_IN_PROGRESS') throw this.end(err);
        // Another holder of this token is rotating it right now; its new token lands in
        // storage when it is done. Re-read it (never present the spent one again: that
        // would revoke the whole session).
        const rotated = await this.waitForRotation(token);
        if (!rotated) throw this.end(err);
        token = rotated;
      }
    }
  }

  private async waitForRotation(spent: string): Promise<string | null> {
    const polls = this.options.refreshPolls ?? 20;
    for (let i = 0; i < polls; i++) {
      await new Promise((resolve) => setTimeout(resolve, this.options.refreshPollMs ?? 150));
      const now = this.options.storage.getItem(REFRESH_TOKEN_KEY);
      if (now === null) return null;
      if (now !== spent) return now;
    }
    return null;
  }

  private adopt(pair: TokenPair): void {
    this.accessToken = pair.accessToken;
    this.currentUser = pair.user;
    this.options.storage.setItem(REFRESH_TOKEN_KEY, pair.refreshToken);
  }

  private forget(): void {
    this.accessToken = null;
    this.currentUser = null;
    this.options.storage.removeItem(REFRESH_TOKEN_KEY);
  }

  private end(cause: ApiError | null): SessionEndedError {
    const wasSignedIn = this.accessToken !== null || this.currentUser !== null || this.options.storage.getItem(REFRESH_TOKEN_KEY) !== null;
    this.forget();
    const error = new SessionEndedError(cause);
    if (wasSignedIn) this.options.onSessionEnded?.(error);
    return error;
  }

  /** One HTTP exchange; non-2xx answers become ApiError with the server's code and the request id. */
  private async exchange<T>(method: string, path: string, options: RequestOptions, token: string | null): Promise<ApiResponse<T>> {
    const requestId = this.options.newRequestId?.() ?? null;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (requestId) headers['x-request-id'] = requestId;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: BodyInit | undefined;
    if (options.form) {
      body = options.form;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await this.fetch(path + queryString(options.query), { method, headers, body, credentials: 'omit' });
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', ['The server could not be reached'], requestId);
    }
    const answeredId = response.headers.get('x-request-id') ?? requestId;
    const text = await response.text().catch(() => '');
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (response.ok) return { status: response.status, body: parsed as T, requestId: answeredId };
    const error = (parsed ?? {}) as { code?: unknown; message?: unknown };
    const messages = ([] as unknown[]).concat(error.message ?? []).filter((m): m is string => typeof m === 'string');
    const code = typeof error.code === 'string' ? error.code : `HTTP_${response.status}`;
    throw new ApiError(response.status, code, messages, answeredId);
  }
}

export function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
