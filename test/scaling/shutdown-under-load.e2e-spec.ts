import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { connect, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeWechatServer } from '../support/fake-wechat.server';
import { childPids, cleanEnv, ensureBuilt, freePort, MAIN_JS, serverHasRead, Spawned, spawnProcess, waitForStatus } from '../support/processes';
import { processAppEnv, TEST_APPID, TEST_WECHAT_SECRET } from '../support/test-app';

/**
 * The fake WeChat, noting each login code the moment its exchange reaches WeChat, and able to
 * hold those exchanges (logins in flight, waiting on WeChat) until the test lets them answer.
 */
class HoldingWechat extends FakeWechatServer {
  readonly arrived = new Set<string>();
  /** How many exchanges are being held right now. */
  holding = 0;
  private held: Promise<void> | null = null;
  private releaseHeld: () => void = () => undefined;

  hold(): void {
    this.held = new Promise((resolve) => (this.releaseHeld = resolve));
  }

  release(): void {
    this.held = null;
    this.releaseHeld();
  }

  protected override async intercept(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const code = new URL(req.url ?? '/', 'http://wechat').searchParams.get('js_code');
    if (code) this.arrived.add(code);
    if (code && this.held) {
      this.holding++;
      await this.held;
      this.holding--;
    }
    return super.intercept(req, res);
  }
}

interface Answer {
  status?: number;
  /** `code` of our error shape, or the login's access token. */
  code?: string;
  accessToken?: string;
  /** A connection-level failure (ECONNREFUSED, ECONNRESET, …). */
  error?: string;
}

/** One GET on a connection of its own, as a load balancer's or an orchestrator's probe asks. */
function probe(url: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode, code: safeJson(text)?.code }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

function safeJson(text: string): Record<string, any> | undefined {
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    return undefined;
  }
}

/** A login whose body is still on its way: headers and half the body sent; `finish()` sends the rest and reads the answer. */
async function slowUpload(port: number, code: string): Promise<{ socket: Socket; sentBytes: number; finish: () => Promise<Answer> }> {
  const body = JSON.stringify({ code });
  const half = Math.floor(body.length / 2);
  const head =
    `POST /api/auth/wechat/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`;
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  let failure: string | undefined;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', (err: NodeJS.ErrnoException) => (failure = err.code ?? err.message));
  const answered = new Promise<void>((resolve) => {
    socket.on('data', () => {
      const [headers, rest] = received.split('\r\n\r\n');
      const length = Number(/content-length: *(\d+)/i.exec(headers ?? '')?.[1] ?? NaN);
      if (rest !== undefined && Buffer.byteLength(rest) >= length) resolve();
    });
    socket.once('close', () => resolve());
  });
  await new Promise<void>((resolve) => socket.write(head, () => resolve()));
  return {
    socket,
    sentBytes: Buffer.byteLength(head),
    async finish() {
      socket.write(body.slice(half));
      await answered;
      socket.destroy();
      if (!received) return { error: failure ?? 'closed without an answer' };
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]);
      const json = safeJson(received.split('\r\n\r\n')[1] ?? '');
      return { status, code: json?.code, accessToken: json?.accessToken };
    },
  };
}

/**
 * `node dist/src/main.js` (the container's command) serving steady traffic when SIGTERM comes,
 * as in a rolling release: readiness never answers 200 again, every request it had taken
 * finishes with its real answer — logins waiting on WeChat, and one whose body was still
 * arriving — and the process exits 0. (test/bootstrap/process.e2e-spec.ts has one login in
 * flight on an idle server; shutdown.e2e-spec.ts a client stalled past the grace.)
 */
describe('SIGTERM under load, the real process', () => {
  const wechat = new HoldingWechat({ appid: TEST_APPID, secret: TEST_WECHAT_SECRET });
  let server: Spawned | undefined;
  beforeAll(async () => {
    ensureBuilt();
    await wechat.listen();
  }, 180_000);
  afterAll(async () => {
    wechat.release();
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      for (const pid of childPids(server.child.pid!)) process.kill(pid, 'SIGKILL');
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await wechat.close();
  });

  it('should never be ready again from SIGTERM on, finish the requests it had taken, and exit 0', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawnProcess(process.execPath, [MAIN_JS], {
      env: cleanEnv(
        processAppEnv(wechat.url, {
          NODE_ENV: 'production',
          PORT: String(port),
          DATA_ENCRYPTION_KEY: 'cd'.repeat(32),
          WECHAT_TIMEOUT_MS: '10000',
          AUTH_RATE_LIMIT: '100000',
        }),
      ),
    });
    await waitForStatus(`${base}/api/health/ready`, 200, server);

    const login = async (openid: string): Promise<Answer> => {
      const code = wechat.issueCode(openid);
      const res = await fetch(`${base}/api/auth/wechat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      const json = safeJson(await res.text());
      return { status: res.status, code: json?.code, accessToken: json?.accessToken };
    };
    const { accessToken } = await login('o_reader');
    expect(accessToken).toEqual(expect.any(String));

    // Steady traffic over keep-alive connections: three clients logging in (WeChat answers in
    // 30 ms), three reading the catalogue.
    wechat.latencyMs = 30;
    interface Sent {
      code?: string;
      answer?: Answer;
      settled: Promise<Answer>;
    }
    const sent: Sent[] = [];
    let issuing = true;
    const send = (code: string | undefined, request: () => Promise<Response>) => {
      const entry: Sent = {
        code,
        settled: request().then(
          async (res) => {
            const json = safeJson(await res.text());
            return { status: res.status, code: json?.code, accessToken: json?.accessToken };
          },
          (err: Error & { cause?: { code?: string } }) => ({ error: err.cause?.code ?? err.message }),
        ),
      };
      void entry.settled.then((answer) => (entry.answer = answer));
      sent.push(entry);
      return entry.settled;
    };
    const loginClient = async (n: number) => {
      while (issuing) {
        const code = wechat.issueCode(`o_load_${n}`);
        await send(code, () =>
          fetch(`${base}/api/auth/wechat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) }),
        );
      }
    };
    const readClient = async () => {
      while (issuing) await send(undefined, () => fetch(`${base}/api/goods?pageSize=5`, { headers: { authorization: `Bearer ${accessToken}` } }));
    };
    const clients = [0, 1, 2].map(loginClient).concat([0, 1, 2].map(readClient));
    await vi.waitFor(() => expect(sent.filter((s) => s.answer).length).toBeGreaterThanOrEqual(60), { timeout: 30_000, interval: 20 });

    // A client in the middle of sending its request body: the server has read the headers and half the body.
    const upload = await slowUpload(port, wechat.issueCode('o_slow_upload'));
    await vi.waitFor(() => expect(serverHasRead(port, upload.socket.localPort!)).toBe(true), { timeout: 10_000, interval: 10 });

    // The moment of the signal: WeChat holds the logins that reach it (each login client has one
    // waiting there), the clients send nothing more, and every request still unanswered is a
    // login the server has taken — none is on its way over the wire, where a closing server
    // could not know it.
    wechat.hold();
    await vi.waitFor(() => expect(wechat.holding).toBe(3), { timeout: 10_000, interval: 5 });
    issuing = false;
    await vi.waitFor(() => expect(sent.filter((s) => !s.answer && !(s.code && wechat.arrived.has(s.code)))).toEqual([]), {
      timeout: 10_000,
      interval: 5,
    });
    const inFlight = sent.filter((s) => !s.answer);
    expect(inFlight.length).toBe(3);
    const before = sent.filter((s) => s.answer);
    expect(before.filter((s) => s.answer!.status !== 200)).toEqual([]);

    server.child.kill('SIGTERM');
    await server.waitForOutput(/SIGTERM received/);
    // Probes, each on a new connection, until the server stops accepting them.
    const probes: Answer[] = [];
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answer = await probe(`${base}/api/health/ready`);
      probes.push(answer);
      if (answer.error) break;
      if (Date.now() > deadline) throw new Error(`still accepting connections 10 s after SIGTERM: ${JSON.stringify(probes.slice(-3))}`);
    }
    // Never ready again. The server stops listening a few ms after the signal, so a probe is
    // mostly refused (or reset in the accept queue); one that still gets in is told 503:
    // SHUTTING_DOWN, or Fastify's own 503 once it has begun closing. (The 503 body itself is
    // tested in the app, test/health/health.e2e-spec.ts.)
    const answered = probes.filter((p) => !p.error);
    expect(answered.filter((p) => p.status !== 503 || (p.code !== undefined && p.code !== 'SHUTTING_DOWN'))).toEqual([]);
    expect(probes.at(-1)!.error).toMatch(/^(ECONNREFUSED|ECONNRESET)$/);
    expect(server.child.exitCode).toBeNull();

    // The requests it had taken get their real answers.
    wechat.release();
    const slow = await upload.finish();
    const held = await Promise.all(inFlight.map((s) => s.settled));
    expect({ slow, held }).toEqual({
      slow: { status: 200, code: undefined, accessToken: expect.any(String) },
      held: held.map(() => ({ status: 200, code: undefined, accessToken: expect.any(String) })),
    });
    await Promise.all(clients);

    const bound = new Promise((r) => setTimeout(() => r('still running 15 s after the last answer'), 15_000).unref());
    expect(await Promise.race([server.exited, bound])).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('"msg":"shut down cleanly"');
  }, 120_000);
});
