import type { Server } from 'node:http';
import { connect, Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { defaultTimeouts } from '../../src/config/timeouts';
import { closeGracefully } from '../../src/http/http-server';
import { cleanEnv, ensureBuilt, freePort, killAll, MAIN_JS, serverHasRead, Spawned, spawnProcess, waitForStatus } from '../support/processes';
import { startTestApp } from '../support/test-app';

const STALLED_REQUEST = 'POST /api/auth/wechat/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"code":"a';

interface StalledClient {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
}

/** A client that sends headers announcing 100 bytes of body, 10 of them, then nothing. */
async function stalledClient(port: number): Promise<StalledClient> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.write(STALLED_REQUEST, () => resolve()));
  return { socket, received: () => received, closed };
}

/** Settles with `promise`, or rejects if it takes longer than `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** (This file's in-process app is its only one, so it owns the process's log stream.) */
describe('shutdown with a stalled client, in the app', () => {
  it('should close a connection stalled mid-body once the grace is over, log it as such, and finish closing the app', async () => {
    const lines: string[] = [];
    // A request bound far beyond the test: only the shutdown grace can end this connection.
    const t = await startTestApp({
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void lines.push(line) },
      configure: (config) => {
        config.timeouts.http.requestMs = 600_000;
        config.timeouts.http.headersMs = 600_000;
      },
    });
    const accepted: Socket[] = [];
    (t.app.getHttpServer() as Server).on('connection', (s: Socket) => accepted.push(s));
    const client = await stalledClient(Number(new URL(t.url).port));
    // The server has read the headers and part of the body: its parser is mid-request, so the
    // connection is not idle and closing the server alone would wait for it.
    await vi.waitFor(() => expect(accepted.some((s) => s.bytesRead >= Buffer.byteLength(STALLED_REQUEST))).toBe(true));

    const warned: string[] = [];
    const logger = { log: () => undefined, error: () => undefined, warn: (m: string) => void warned.push(m) };
    const graceMs = 300;
    const closing = closeGracefully(t.app, graceMs, logger);
    // The client is cut by the grace (not by the request bound, 10 minutes away).
    await within(40 * graceMs, 'the stalled connection closed', client.closed);
    await within(10_000, 'the app closed', closing);
    await t.fake.close();

    expect(client.received()).toBe('');
    expect(warned).toEqual([`connections still open ${graceMs / 1000} s after the shutdown began: closing them`]);
    const entries = lines.map((l) => JSON.parse(l) as { level: string; msg: string; context?: string; aborted?: boolean });
    expect(entries.filter((e) => e.aborted)).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'POST aborted: its connection was closed at the end of the shutdown grace' }),
    ]);
    // Its body reader's "aborted" error is neither a bug nor a database outage.
    expect(entries.filter((e) => e.context === 'ExceptionFilter' || e.context === 'DatabaseOutage')).toEqual([]);
  });
});

/**
 * The real process (`node dist/src/main.js`, as the container runs it) sent SIGTERM while a
 * client stalls in the middle of its request body: it must still exit 0, before a platform's
 * SIGKILL (compose gives 30 s).
 */
describe('SIGTERM with a stalled client, the real process', () => {
  const running: Spawned[] = [];
  beforeAll(() => ensureBuilt(), 180_000);
  afterEach(async () => {
    await killAll(running);
  });

  it('should close the stalled connection at the end of the grace and exit 0', async () => {
    const port = await freePort();
    const server = spawnProcess(process.execPath, [MAIN_JS], {
      env: cleanEnv({ NODE_ENV: 'development', PORT: String(port), DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'info' }),
    });
    running.push(server);
    await waitForStatus(`http://127.0.0.1:${port}/api/health`, 200, server);
    const client = await stalledClient(port);
    await vi.waitFor(() => expect(serverHasRead(port, client.socket.localPort!)).toBe(true));

    server.child.kill('SIGTERM');
    await server.waitForOutput(/SIGTERM received/);
    // Node stops enforcing the request bound once the server closes: the grace bounds the wait,
    // and the exit comes well before compose's SIGKILL at 30 s.
    const bound = defaultTimeouts().http.shutdownGraceMs + 5_000;
    expect(await within(bound, 'the exit after SIGTERM', server.exited)).toEqual({ code: 0, signal: null });
    await client.closed;
    expect(client.received()).toBe('');
    const output = server.output();
    expect(output).toContain('"msg":"connections still open 20 s after the shutdown began: closing them"');
    expect(output).toContain('"msg":"POST aborted: its connection was closed at the end of the shutdown grace"');
    expect(output).toContain('"msg":"shut down cleanly"');
    expect(output).not.toMatch(/"context":"(ExceptionFilter|DatabaseOutage)"/);
  }, 90_000);
});
