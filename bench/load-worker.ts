import { parentPort, workerData } from 'node:worker_threads';

export interface LoadTask {
  url: string;
  token: string;
  seconds: number;
  concurrency: number;
  maxRequests: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

/** A closed-loop load generator in its own thread, so it does not share the server's event loop. */
async function run(task: LoadTask): Promise<LoadResult> {
  const headers = { authorization: `Bearer ${task.token}` };
  const once = async () => {
    const res = await fetch(task.url, { headers });
    await res.arrayBuffer();
    return res.status === 200;
  };
  // Warm-up: connections, JIT, plan caches.
  const warmUntil = performance.now() + 2000;
  await Promise.all(Array.from({ length: task.concurrency }, async () => {
    while (performance.now() < warmUntil) await once();
  }));

  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const until = started + task.seconds * 1000;
  await Promise.all(Array.from({ length: task.concurrency }, async () => {
    while (performance.now() < until && issued < task.maxRequests) {
      issued++;
      const t0 = performance.now();
      const ok = await once().catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) errors++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

if (parentPort) {
  run(workerData as LoadTask).then((result) => parentPort!.postMessage(result));
}
