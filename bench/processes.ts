/** The bench's child processes: the app, the baseline, the fake WeChat and the load generator, each on its own. */
import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>;
}

function wrap(name: string, child: ChildProcess): Child {
  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
  return {
    name,
    process: child,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Forks one of bench/*.js, sends it `message`, and waits for its first answer. */
export async function forkWithReply<T>(name: string, script: string, message: unknown, execArgv: string[] = []): Promise<{ child: Child; reply: T }> {
  const proc = fork(resolve(__dirname, script), [], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], execArgv });
  const stderr = tail(proc);
  const child = wrap(name, proc);
  let onExit: (code: number | null) => void = () => undefined;
  const reply = await new Promise<T>((done, fail) => {
    onExit = (code) => fail(new Error(`${name} exited (${code}) before it was ready: ${stderr()}`));
    proc.once('message', (m) => done(m as T));
    proc.once('exit', onExit);
    proc.send(message as object);
  });
  proc.removeListener('exit', onExit);
  return { child, reply };
}

/** The last few kB a child wrote to stderr, for error messages. */
function tail(proc: ChildProcess): () => string {
  let text = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-4000);
    process.stderr.write(chunk);
  });
  return () => text.trim();
}

/**
 * The built app (`node dist/src/main.js`, as `npm start` runs it), with exactly this
 * environment; its JSON log goes to `logFile`. It runs in `cwd` (a scratch folder), so a
 * developer's `.env` cannot add settings to the run. Resolves once GET /api/health answers 200.
 */
export async function startApp(env: Record<string, string>, logFile: string, cwd: string, nodeArgs: string[] = []): Promise<Child> {
  const main = resolve(__dirname, '..', 'src', 'main.js');
  const log = openSync(logFile, 'a');
  const proc = spawn(process.execPath, [...nodeArgs, main], { env, stdio: ['ignore', log, log], cwd });
  closeSync(log);
  const child = wrap('app', proc);
  const url = `http://127.0.0.1:${env.PORT}/api/health`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the app exited (${proc.exitCode}) while starting; see ${logFile}:\n${lastLines(logFile)}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`the app did not become healthy within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function lastLines(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** kB figures from /proc/<pid>/status: VmRSS (now) and VmHWM (peak since start). */
export function memoryOf(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return null;
  }
}

let clockTicks: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`), in which /proc reports CPU time. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** The CPU time a process has used so far (user + system, all its threads), in µs; null when it is gone. */
export function cpuMicrosOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces, in parentheses): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** Polls the servers' RSS while the bench runs: the peak of each during each measurement. */
export class RssSampler {
  private readonly peaks = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pids: number[]) {}

  start(intervalMs = 200): void {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    for (const pid of this.pids) {
      const mem = memoryOf(pid);
      if (mem && Number.isFinite(mem.rssKb)) this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, mem.rssKb));
    }
  }

  /** The peak RSS seen since the last call, in MB, and starts a new window. */
  takePeakMb(pid: number): number {
    this.sample();
    const peak = this.peaks.get(pid) ?? 0;
    this.peaks.delete(pid);
    return peak / 1024;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
