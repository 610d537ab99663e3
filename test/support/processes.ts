import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const MAIN_JS = resolve(ROOT, 'dist', 'src', 'main.js');

/** Builds dist/ the way `npm start` does (scripts/ensure-build.js: only when the sources are newer). */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [resolve(ROOT, 'scripts', 'ensure-build.js')], { cwd: ROOT, stdio: 'pipe' });
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * The environment a spawned server gets: this process's PATH and HOME, nothing of the
 * test run's (NODE_ENV=test, npm_* variables), plus `env`.
 */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[key]) base[key] = process.env[key];
  return { ...base, ...env };
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the combined output matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function spawnProcess(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Spawned {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(out)) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return {
    child,
    output: () => out,
    exited,
    waitForOutput(pattern, timeoutMs = 20_000) {
      if (pattern.test(out)) return Promise.resolve();
      return new Promise<void>((resolveWait, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in output:\n${out}`)), timeoutMs);
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolveWait()) });
        void exited.then(() => {
          clearTimeout(timer);
          if (pattern.test(out)) resolveWait();
          else reject(new Error(`exited before ${pattern}; output:\n${out}`));
        });
      });
    },
  };
}

/** Polls GET url until it answers `status` (the server is starting), failing if the process exits first. */
export async function waitForStatus(url: string, status: number, proc: Spawned, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`process exited while waiting for ${url}:\n${proc.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === status) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} in time:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The pids of a process's children (Linux /proc). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may contain spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return children;
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * Whether the process listening on `serverPort` has read everything the client on `clientPort`
 * sent (the receive queue of the server's end of that connection is empty, in /proc/net/tcp):
 * its HTTP parser has the bytes, so a request half sent is in progress there, not in a buffer.
 */
export function serverHasRead(serverPort: number, clientPort: number): boolean {
  const hex = (port: number) => `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, remote, , queues] = line.trim().split(/\s+/);
    if (local?.endsWith(hex(serverPort)) && remote?.endsWith(hex(clientPort))) return parseInt(queues.split(':')[1], 16) === 0;
  }
  return false;
}

/** Kills a spawned process that is still running, and its children (npm start's server), and waits for it. */
export async function killIfRunning(proc: Spawned): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  for (const pid of childPids(proc.child.pid!)) process.kill(pid, 'SIGKILL');
  proc.child.kill('SIGKILL');
  await proc.exited;
}

/** Kills every process of the list that is still running, and empties it. */
export async function killAll(running: Spawned[]): Promise<void> {
  for (const proc of running.splice(0)) await killIfRunning(proc);
}
