/**
 * The load generator: autocannon in a process of its own (never inside a server's process),
 * closed loop, N keep-alive connections. bench/run.ts forks it once and sends it one task per
 * measurement over IPC; it answers with the numbers.
 */
import autocannon from 'autocannon';
import { prng } from './catalogue';
import { cpuMicrosOf } from './processes';
import { Gen, RequestSpec, ScenarioData, scenarioById, WALK_PAGES } from './scenarios';

export interface LoadTask {
  baseUrl: string;
  scenario: string;
  data: ScenarioData;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** Makes login codes unique to this run and target. */
  codePrefix: string;
  seed: number;
  /** The server's pid, to read the CPU time it spends during the measured window (same machine). */
  serverPid?: number;
}

export interface LoadResult {
  /** 2xx answers per second of the measured window. */
  rps: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Over 2xx answers, in ms. */
  p50: number;
  p99: number;
  /** Every 2xx latency, sorted, in ms (the orchestrator merges the slices). */
  latencies: number[];
  seconds: number;
  statusCodes: Record<string, number>;
  /** CPU time the server spent during the measured window (all its threads), µs; null without a pid. */
  cpuMicros: number | null;
}

let codeCounter = 0;

function requestOptions(task: LoadTask, rnd: () => number): autocannon.Request {
  const scenario = scenarioById(task.scenario);
  const gen: Gen = { rnd, data: task.data, freshCode: () => `${task.codePrefix}-${++codeCounter}` };
  const tokens = { user: task.data.userToken, staff: task.data.staffToken };
  const toRequest = (spec: RequestSpec, req: autocannon.Request) => {
    const headers: Record<string, string> = {};
    if (spec.token) headers.authorization = `Bearer ${tokens[spec.token]}`;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    return { ...req, method: spec.method, path: spec.path, headers, body: spec.body };
  };
  if (!scenario.walk) {
    return { setupRequest: (req: autocannon.Request) => toRequest(scenario.next(gen), req) };
  }
  // A cursor walk: each connection follows the nextCursor of its own previous page. autocannon
  // resets a connection's context at every request of a one-request loop, so the walkers live
  // here, taken by setupRequest and handed back by onResponse (one request in flight per connection).
  type Walker = { cursor: string | null; pages: number };
  const idle: Walker[] = [];
  return {
    setupRequest: (req: autocannon.Request, context: Record<string, unknown>) => {
      const walker = idle.pop() ?? { cursor: null, pages: 0 };
      if (walker.pages >= WALK_PAGES) Object.assign(walker, { cursor: null, pages: 0 });
      walker.pages++;
      context.walker = walker;
      return toRequest(scenario.next(gen, walker.cursor), req);
    },
    onResponse: (status: number, body: string, context: Record<string, unknown>) => {
      const walker = context.walker as Walker;
      let next: string | null = null;
      if (status === 200) {
        try {
          next = (JSON.parse(body) as { nextCursor?: string | null }).nextCursor ?? null;
        } catch {
          next = null;
        }
      }
      walker.cursor = next;
      idle.push(walker);
    },
  } as autocannon.Request;
}

/**
 * One autocannon run of warm-up + measurement: answers count only once the warm-up is over,
 * so no request is cut off between the two (a cut-off request keeps its server busy into the
 * measurement).
 */
export async function runLoad(task: LoadTask): Promise<LoadResult> {
  const rnd = prng(task.seed);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const windowStart = started + task.warmupSeconds * 1000;
  const cpu = () => (task.serverPid === undefined ? null : cpuMicrosOf(task.serverPid));
  let cpuAtStart = task.warmupSeconds > 0 ? null : cpu();
  const cpuTimer = task.warmupSeconds > 0 ? setTimeout(() => (cpuAtStart = cpu()), task.warmupSeconds * 1000) : null;
  await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(
      {
        url: task.baseUrl,
        connections: task.connections,
        duration: task.warmupSeconds + task.seconds,
        timeout: 30,
        // autocannon stops at its first sample tick after the duration: tick often, so a run lasts what it was asked.
        sampleInt: 100,
        requests: [requestOptions(task, rnd)],
      },
      (err, res) => (err ? fail(err) : done(res)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (performance.now() < windowStart) return;
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(ms);
      } else non2xx++;
    });
    instance.on('reqError', () => {
      if (performance.now() >= windowStart) errors++;
    });
  });
  const seconds = (performance.now() - windowStart) / 1000;
  if (cpuTimer) clearTimeout(cpuTimer);
  const cpuAtEnd = cpu();
  const cpuMicros = cpuAtStart === null || cpuAtEnd === null ? null : cpuAtEnd - cpuAtStart;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0);
  return { rps: ok / seconds, ok, non2xx, errors, p50: at(0.5), p99: at(0.99), latencies, seconds, statusCodes, cpuMicros };
}

if (require.main === module && process.send) {
  process.on('message', (task: LoadTask) => {
    runLoad(task).then(
      (result) => process.send!({ result }),
      (err: Error) => process.send!({ error: err.stack ?? err.message }),
    );
  });
}
