import { connect, Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { useTestApp } from '../support/test-app';

/** A raw client socket and everything the server sent it until it closed. */
interface RawClient {
  socket: Socket;
  received: () => string;
  /** Resolves with what the server sent once the server has closed the connection; rejects if that takes longer than `withinMs`. */
  closedByServer(withinMs: number): Promise<string>;
}

async function openClient(url: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    received: () => data,
    async closedByServer(withinMs) {
      let timer: NodeJS.Timeout | undefined;
      const stillOpen = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`connection still open ${withinMs} ms later; received: ${JSON.stringify(data)}`)), withinMs);
      });
      try {
        await Promise.race([closed, stillOpen]);
      } finally {
        clearTimeout(timer);
        socket.destroy();
      }
      return data;
    },
  };
}

/** The status line and the JSON body of a raw HTTP answer. */
function parseAnswer(raw: string): { status: number; headers: string; body: any } {
  const [head, body] = [raw.slice(0, raw.indexOf('\r\n\r\n')), raw.slice(raw.indexOf('\r\n\r\n') + 4)];
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: body ? JSON.parse(body) : undefined };
}

const HEADERS_OF_A_100_BYTE_BODY = 'POST /api/auth/wechat/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';

describe('slow and idle clients', () => {
  // Short bounds, checked often, so the tests wait well under a second for each.
  const t = useTestApp({
    configure: (config) => {
      Object.assign(config.timeouts.http, { requestMs: 400, headersMs: 400, keepAliveMs: 300, checkIntervalMs: 50 });
    },
  });
  // Generous: the bound plus many checking intervals; without a bound the connection stays open for good.
  const within = () => 20 * t.config.timeouts.http.requestMs;

  it('should answer 408 REQUEST_TIMEOUT in the error shape and close a connection whose body stops arriving', async () => {
    const client = await openClient(t.url);
    client.socket.write(HEADERS_OF_A_100_BYTE_BODY + '{"code":"a');
    const answer = parseAnswer(await client.closedByServer(within()));
    expect(answer.status).toBe(408);
    expect(answer.headers).toContain('connection: close');
    expect(answer.body).toEqual({ statusCode: 408, error: 'Request Timeout', code: 'REQUEST_TIMEOUT', message: expect.any(String) });
    expect(t.fake.calls.jscode2session).toBe(0);
  });

  it('should answer 408 to headers that stop arriving', async () => {
    const client = await openClient(t.url);
    client.socket.write('POST /api/auth/wechat/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty');
    const answer = parseAnswer(await client.closedByServer(within()));
    expect(answer.status).toBe(408);
    expect(answer.body).toMatchObject({ statusCode: 408, code: 'REQUEST_TIMEOUT' });
  });

  it('should close an idle keep-alive connection after the keep-alive timeout', async () => {
    const client = await openClient(t.url);
    client.socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await vi.waitFor(() => expect(client.received()).toMatch(/\r\n\r\n\{.*\}$/s));
    expect(parseAnswer(client.received()).status).toBe(200);
    await client.closedByServer(within());
  });
});
