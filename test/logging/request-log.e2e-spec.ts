import type { Server } from 'node:http';
import { connect, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { FaultyProxy } from '../support/faulty-proxy';
import { useTestApp } from '../support/test-app';

interface Entry {
  level: string;
  msg: string;
  context?: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number | null };
  aborted?: boolean;
}

/**
 * The request log where a request does not end with a plain answer: health checks of a
 * database that is down, a request the client abandoned, a body the server stopped waiting
 * for. (This file's app is its only one, so it owns the process's log stream.)
 */
describe('request log lines', () => {
  const proxy = FaultyProxy.for(inject('databaseUrl'), 5432);
  beforeAll(async () => proxy.listen());
  afterAll(async () => proxy.close());
  const lines: string[] = [];
  const t = useTestApp({
    env: { LOG_LEVEL: 'info' },
    logDestination: { write: (line: string) => void lines.push(line) },
    configure: (config) => {
      config.databaseUrl = proxy.urlThrough(config.databaseUrl!);
      Object.assign(config.timeouts.http, { requestMs: 500, headersMs: 500, checkIntervalMs: 50 });
    },
  });
  const entriesSince = (from: number): Entry[] => lines.slice(from).map((l) => JSON.parse(l) as Entry);

  it('should log a failing health check once when it starts failing and once when it passes again, not every poll', async () => {
    const from = lines.length;
    proxy.setMode('drop');
    try {
      for (let i = 0; i < 5; i++) expect((await t.request('GET', '/api/health')).status).toBe(503);
    } finally {
      proxy.setMode('forward');
    }
    await vi.waitFor(async () => expect((await t.request('GET', '/api/health')).status).toBe(200), { timeout: 10_000 });
    for (let i = 0; i < 3; i++) expect((await t.request('GET', '/api/health')).status).toBe(200);
    const logged = entriesSince(from);
    expect(logged.map((e) => [e.context, e.level, e.msg])).toEqual([
      ['Health', 'warn', 'health check failing: database down'],
      ['Health', 'info', 'health check passing again (database back)'],
    ]);
  });

  it('should log a request the client abandoned as aborted, not as a 200 without a status', async () => {
    const from = lines.length;
    // WeChat takes its time, and the client gives up meanwhile.
    t.fake.failNext({ kind: 'slow', ms: 1_500 });
    const accepted: Socket[] = [];
    (t.app.getHttpServer() as Server).on('connection', (s: Socket) => accepted.push(s));
    const { hostname, port } = new URL(t.url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.on('error', () => undefined);
    const body = JSON.stringify({ code: t.fake.issueCode('o_abandon') });
    const request = `POST /api/auth/wechat/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-Id: abandoned-1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    socket.write(request);
    // The server has the whole request (and is waiting for WeChat) when the client leaves.
    await vi.waitFor(() => expect(accepted.some((s) => s.bytesRead >= Buffer.byteLength(request))).toBe(true));
    socket.destroy();
    await vi.waitFor(() => expect(entriesSince(from).some((e) => e.req?.id === 'abandoned-1' && e.res)).toBe(true), { timeout: 10_000 });
    const line = entriesSince(from).find((e) => e.req?.id === 'abandoned-1' && e.res)!;
    expect(line.msg).toBe('POST aborted: the client closed the connection before the answer');
    expect(line.aborted).toBe(true);
    expect(line.level).toBe('info');
  });

  it('should log a request whose body stopped arriving as a 408, the status its client got', async () => {
    const from = lines.length;
    const { hostname, port } = new URL(t.url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.on('error', () => undefined);
    socket.write('POST /api/auth/wechat/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-Id: stalled-1\r\nContent-Length: 100\r\n\r\n{"co');
    await vi.waitFor(() => expect(entriesSince(from).some((e) => e.req?.id === 'stalled-1' && e.res)).toBe(true), { timeout: 10_000 });
    socket.destroy();
    const line = entriesSince(from).find((e) => e.req?.id === 'stalled-1' && e.res)!;
    expect(line).toMatchObject({ level: 'warn', msg: 'POST 408', res: { statusCode: 408 } });
    // The body reader's "aborted" error is neither a bug (no error line) nor a database outage.
    // (A request after it, whose line comes once the cut request's error has been handled.)
    await t.request('POST', '/api/auth/verify', { body: { token: 'x' }, headers: { 'x-request-id': 'after-stalled-1' } });
    await vi.waitFor(() => expect(entriesSince(from).some((e) => e.req?.id === 'after-stalled-1' && e.res)).toBe(true));
    expect(entriesSince(from).filter((e) => e.context === 'ExceptionFilter' || e.context === 'DatabaseOutage')).toEqual([]);
  });
});
