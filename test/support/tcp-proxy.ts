import { createConnection, createServer, Server, Socket } from 'node:net';

/** PostgreSQL's Terminate message: 'X' and its length, 4. A client that closes its session sends it last. */
const PG_TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

/** One client connection through the proxy, as far as the proxy saw it. */
export interface ProxiedSession {
  /** The client closed its side. */
  closed: boolean;
  /** Its last bytes were a PostgreSQL Terminate: it ended the session (pool.end()) rather than dropping it. */
  terminated: boolean;
}

/**
 * A TCP pass-through to a real server (PostgreSQL), which a test can cut: `down()` stops
 * listening and drops every connection, so the app sees its database refuse connections.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Every client connection so far, in order. */
  readonly sessions: ProxiedSession[] = [];
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      const session: ProxiedSession = { closed: false, terminated: false };
      this.sessions.push(session);
      let tail = Buffer.alloc(0);
      client.on('data', (chunk: Buffer) => {
        tail = Buffer.concat([tail, chunk]).subarray(-PG_TERMINATE.length);
        session.terminated = tail.equals(PG_TERMINATE);
      });
      client.on('close', () => (session.closed = true));
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A TcpProxy in front of the PostgreSQL server of `databaseUrl`, which hands out that URL through itself. */
export class DatabaseProxy extends TcpProxy {
  constructor(private readonly databaseUrl: string) {
    const target = new URL(databaseUrl);
    super(target.hostname, Number(target.port || 5432));
  }

  /** The database URL, reached through this proxy (once it is up). */
  get url(): string {
    const url = new URL(this.databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }
}
