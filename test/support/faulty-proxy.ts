import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * How the proxy treats connections: pass them through to the real server, accept and drop
 * them at once (a server that is restarting), or accept them and never answer (a server
 * that hangs, or a network that loses packets).
 */
export type ProxyMode = 'forward' | 'drop' | 'stall';

/**
 * A TCP proxy in front of a real server (PostgreSQL, Redis) whose failure mode a test
 * switches at will. Switching drops every open connection, as a restart or a network
 * partition would, so the app has to connect again and meets the new mode.
 */
export class FaultyProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private current: ProxyMode = 'forward';
  /** What clients sent while the proxy stalled them (nothing of it was answered). */
  stalledData = '';
  /** Connections accepted in each mode. */
  readonly accepted: Record<ProxyMode, number> = { forward: 0, drop: 0, stall: 0 };
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A proxy in front of the server of this URL (postgres://, redis://). */
  static for(url: string, defaultPort: number): FaultyProxy {
    const target = new URL(url);
    return new FaultyProxy(target.hostname, Number(target.port || defaultPort));
  }

  /** `url`, reached through this proxy (once it listens). */
  urlThrough(url: string): string {
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(this.port);
    return through.toString();
  }

  get mode(): ProxyMode {
    return this.current;
  }

  async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /**
   * Switches the failure mode and drops every connection open so far, or, with
   * `keepConnections`, applies it to them too: a connection passed through so far goes
   * silent (`stall`) without being closed, as when a server hangs.
   */
  setMode(mode: ProxyMode, options: { keepConnections?: boolean } = {}): void {
    this.current = mode;
    if (options.keepConnections) return;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.setMode('drop');
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private accept(client: Socket): void {
    const mode = this.current;
    this.accepted[mode]++;
    this.track(client);
    if (mode === 'drop') {
      client.destroy();
    } else if (mode === 'stall') {
      client.on('data', (chunk: Buffer) => (this.stalledData += chunk.toString('latin1')));
    } else {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      this.track(upstream);
      // Chunk by chunk rather than piped, so the mode applies to open connections too.
      client.on('data', (chunk: Buffer) => {
        if (this.current === 'forward') upstream.write(chunk);
        else this.stalledData += chunk.toString('latin1');
      });
      upstream.on('data', (chunk: Buffer) => {
        if (this.current === 'forward') client.write(chunk);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    }
  }
}
