import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, NoAccessError, REFRESH_TOKEN_KEY, SessionEndedError } from './api.js';

/** A scripted server: each handler answers one path; calls are recorded. */
type Handler = (init: { body: any; headers: Record<string, string> }) => Promise<[number, unknown]> | [number, unknown];

function fakeServer(routes: Record<string, Handler>) {
  const calls: { path: string; headers: Record<string, string>; body: any }[] = [];
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const path = String(input).split('?')[0];
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ path, headers, body });
    const handler = routes[`${init?.method ?? 'GET'} ${path}`];
    if (!handler) throw new TypeError('Failed to fetch');
    const [status, answer] = await handler({ body, headers });
    return new Response(answer === undefined ? null : JSON.stringify(answer), {
      status,
      headers: { 'content-type': 'application/json', 'x-request-id': `srv-${calls.length}` },
    });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const staff = { id: 'u1', role: 'staff', username: 'alice' };
const pair = (n: number, user: object = staff) => ({ accessToken: `access-${n}`, refreshToken: `refresh-${n}`, tokenType: 'Bearer', expiresIn: 7200, user, isNewUser: false });
const error = (statusCode: number, code: string, message = code) => ({ statusCode, code, message, error: 'x' });

/** Resolves when `release()` is called: holds an answer so requests can pile up behind it. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

describe(ApiClient.name, () => {
  let storage: MemoryStorage;

  beforeEach(() => {
    storage = new MemoryStorage();
  });

  const client = (fetch: typeof globalThis.fetch, onSessionEnded = vi.fn()) =>
    new ApiClient({ fetch, storage, onSessionEnded, newRequestId: () => 'req-id', refreshPollMs: 0, refreshPolls: 3 });

  it('should keep the access token in memory and only the refresh token in storage', async () => {
    const server = fakeServer({ 'POST /api/auth/token': () => [200, pair(1)], 'GET /api/goods': () => [200, { items: [] }] });
    const sut = client(server.fetch);
    await expect(sut.signIn('alice', 'pw')).resolves.toMatchObject({ username: 'alice' });
    expect([...storage.items]).toEqual([[REFRESH_TOKEN_KEY, 'refresh-1']]);
    await sut.request('GET', '/api/goods');
    expect(server.calls[1].headers.authorization).toBe('Bearer access-1');
    expect(server.calls[1].headers['x-request-id']).toBe('req-id');
  });

  it('should share one refresh among requests that fail together, and replay each with the new token', async () => {
    const held = gate();
    let refreshes = 0;
    const server = fakeServer({
      'POST /api/auth/token': () => [200, pair(1)],
      'POST /api/auth/refresh': async ({ body }) => {
        refreshes++;
        expect(body.refreshToken).toBe('refresh-1');
        await held.opened;
        return [200, pair(2)];
      },
      'GET /api/goods': ({ headers }) => (headers.authorization === 'Bearer access-2' ? [200, { ok: true }] : [401, error(401, 'TOKEN_EXPIRED')]),
    });
    const sut = client(server.fetch);
    await sut.signIn('alice', 'pw');
    const answers = Promise.all([sut.request('GET', '/api/goods'), sut.request('GET', '/api/goods'), sut.request('GET', '/api/goods')]);
    await vi.waitFor(() => expect(refreshes).toBe(1));
    // All three are now waiting on the one refresh in flight.
    await vi.waitFor(() => expect(server.calls.filter((c) => c.path === '/api/goods')).toHaveLength(3));
    held.release();
    await expect(answers).resolves.toEqual([expect.objectContaining({ body: { ok: true } }), expect.anything(), expect.anything()]);
    expect(refreshes).toBe(1);
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-2');
  });

  it('should not refresh again when another request already did while this one was in flight', async () => {
    let refreshes = 0;
    const held = gate();
    let goodsCalls = 0;
    const server = fakeServer({
      'POST /api/auth/token': () => [200, pair(1)],
      'POST /api/auth/refresh': () => [200, pair(++refreshes + 1)],
      'GET /api/goods': async ({ headers }) => {
        goodsCalls++;
        // The first call is answered late, after the second has refreshed.
        if (goodsCalls === 1) await held.opened;
        return headers.authorization === 'Bearer access-1' ? [401, error(401, 'TOKEN_EXPIRED')] : [200, { ok: true }];
      },
    });
    const sut = client(server.fetch);
    await sut.signIn('alice', 'pw');
    const slow = sut.request('GET', '/api/goods');
    await vi.waitFor(() => expect(goodsCalls).toBe(1));
    await sut.request('GET', '/api/goods');
    held.release();
    await expect(slow).resolves.toMatchObject({ body: { ok: true } });
    expect(refreshes).toBe(1);
  });

  it('should resume from storage after a reload (no access token in memory)', async () => {
    storage.setItem(REFRESH_TOKEN_KEY, 'refresh-7');
    const server = fakeServer({ 'POST /api/auth/refresh': ({ body }) => (body.refreshToken === 'refresh-7' ? [200, pair(8)] : [401, error(401, 'REFRESH_TOKEN_INVALID')]) });
    const sut = client(server.fetch);
    await expect(sut.resume()).resolves.toMatchObject({ username: 'alice' });
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-8');
  });

  it('on REFRESH_IN_PROGRESS should re-read storage and refresh with the token the other holder stored, never the spent one', async () => {
    storage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
    const presented: string[] = [];
    const server = fakeServer({
      'POST /api/auth/refresh': ({ body }) => {
        presented.push(body.refreshToken);
        if (body.refreshToken === 'refresh-1') {
          // Another holder of the same storage is rotating it: it stores its new token.
          storage.setItem(REFRESH_TOKEN_KEY, 'refresh-2');
          return [401, error(401, 'REFRESH_IN_PROGRESS')];
        }
        return [200, pair(3)];
      },
      'GET /api/goods': ({ headers }) => (headers.authorization === 'Bearer access-3' ? [200, { ok: true }] : [401, error(401, 'TOKEN_INVALID')]),
    });
    const sut = client(server.fetch);
    await expect(sut.request('GET', '/api/goods')).resolves.toMatchObject({ body: { ok: true } });
    expect(presented).toEqual(['refresh-1', 'refresh-2']);
  });

  it('on REFRESH_IN_PROGRESS with nothing new in storage should end the session without presenting the token again', async () => {
    storage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
    const server = fakeServer({ 'POST /api/auth/refresh': () => [401, error(401, 'REFRESH_IN_PROGRESS')] });
    const ended = vi.fn();
    const sut = client(server.fetch, ended);
    await expect(sut.request('GET', '/api/goods')).rejects.toBeInstanceOf(SessionEndedError);
    expect(server.calls.filter((c) => c.path === '/api/auth/refresh')).toHaveLength(1);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(storage.items.size).toBe(0);
  });

  it('should end the session once when the refresh is refused (revoked, disabled)', async () => {
    const server = fakeServer({
      'POST /api/auth/token': () => [200, pair(1)],
      'POST /api/auth/refresh': () => [401, error(401, 'REFRESH_TOKEN_INVALID')],
      'GET /api/goods': () => [401, error(401, 'TOKEN_INVALID')],
    });
    const ended = vi.fn();
    const sut = client(server.fetch, ended);
    await sut.signIn('alice', 'pw');
    const results = await Promise.allSettled([sut.request('GET', '/api/goods'), sut.request('GET', '/api/goods')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(SessionEndedError);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(sut.user).toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it('should refuse a `user` account and close the session it opened', async () => {
    const server = fakeServer({
      'POST /api/auth/token': () => [200, pair(1, { ...staff, role: 'user' })],
      'POST /api/auth/logout': () => [204, undefined],
    });
    const sut = client(server.fetch);
    await expect(sut.signIn('bob', 'pw')).rejects.toBeInstanceOf(NoAccessError);
    expect(server.calls.map((c) => c.path)).toEqual(['/api/auth/token', '/api/auth/logout']);
    expect(server.calls[1].body).toEqual({ refreshToken: 'refresh-1' });
    expect(storage.items.size).toBe(0);
    expect(sut.user).toBeNull();
  });

  it('should log out on the server with the refresh token and forget both tokens', async () => {
    const server = fakeServer({ 'POST /api/auth/token': () => [200, pair(1)], 'POST /api/auth/logout': () => [204, undefined] });
    const sut = client(server.fetch);
    await sut.signIn('alice', 'pw');
    await sut.signOut();
    expect(server.calls[1]).toMatchObject({ path: '/api/auth/logout', body: { refreshToken: 'refresh-1' } });
    expect(storage.items.size).toBe(0);
    expect(sut.user).toBeNull();
  });

  it('should turn error answers into ApiError with every message, the code and the request id', async () => {
    const server = fakeServer({
      'POST /api/auth/token': () => [200, pair(1)],
      'POST /api/goods': () => [400, { statusCode: 400, code: 'VALIDATION_FAILED', message: ['price must not be less than 0', 'name must be longer'], error: 'Bad Request' }],
    });
    const sut = client(server.fetch);
    await sut.signIn('alice', 'pw');
    const err = await sut.request('POST', '/api/goods', { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', messages: ['price must not be less than 0', 'name must be longer'], requestId: 'srv-2' });
  });

  it('should report an unreachable server as NETWORK_ERROR with the request id it sent', async () => {
    const server = fakeServer({ 'POST /api/auth/token': () => [200, pair(1)] });
    const sut = client(server.fetch);
    await sut.signIn('alice', 'pw');
    await expect(sut.request('GET', '/api/nowhere')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR', requestId: 'req-id' });
  });
});
