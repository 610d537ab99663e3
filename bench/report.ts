/** The bench's results as a console table, a Markdown page and an SVG bar chart (our own few lines, no library). */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { LoadResult } from './load';

export interface Side {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** 2xx answers. */
  ok: number;
  /** Peak RSS of this server during this scenario's measurements, MB. */
  rssMb: number;
  /**
   * The server's own CPU time (all its threads, from /proc) per 2xx answer in the measured
   * windows, µs: what the ratio is made of where each server is bound by its own main thread.
   */
  cpuUs: number | null;
  statusCodes: Record<string, number>;
}

export interface Outcome {
  id: string;
  title: string;
  a: Side;
  b: Side;
  /** a.rps / b.rps */
  ratio: number;
}

/** What runs against the baseline: the app; a second baseline (the machine's noise); bare Nest doing the baseline's work (the framework's floor). */
export type Pair = 'app' | 'aa' | 'nest-floor';

const PAIR_TITLES: Record<Pair, string> = {
  app: '',
  aa: ' (A/A: the baseline against itself)',
  'nest-floor': " (the framework's floor: bare Nest on Fastify doing the baseline's work)",
};

const PAIR_NOTES: Record<Pair, string> = {
  app: '',
  aa: ' Here both are the baseline: the spread of this column around 1.00 is the noise of the machine.',
  'nest-floor':
    " Here the first is the baseline's own work served by bare Nest on Fastify (bench/nest-floor-server.ts: one controller, one exception filter, nothing of the app): the share of the baseline's rate the framework keeps by itself.",
};

export interface Report {
  date: Date;
  /** ['app', 'baseline'], ['baseline A', 'baseline B'] or ['Nest floor', 'baseline']. */
  names: [string, string];
  pair: Pair;
  outcomes: Outcome[];
  /** VmHWM of each server at the end, MB. */
  peakRssMb: [number, number];
  setup: string;
  machine: string;
  command: string;
}

/** The slices of one server in one scenario: answers over time, latencies over all answers. */
export function combine(runs: LoadResult[], rssMb: number): Side {
  const latencies = runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0);
  const ok = runs.reduce((n, r) => n + r.ok, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const statusCodes: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const cpuMicros = runs.every((r) => r.cpuMicros !== null) ? runs.reduce((n, r) => n + r.cpuMicros!, 0) : null;
  return {
    rps: seconds > 0 ? ok / seconds : 0,
    p50: at(0.5),
    p99: at(0.99),
    ok,
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    rssMb,
    cpuUs: cpuMicros !== null && ok > 0 ? cpuMicros / ok : null,
    statusCodes,
  };
}

export function describeMachine(pgVersion: string): string {
  const cpu = cpus();
  let model = cpu[0]?.model?.trim() ?? 'unknown CPU';
  model = model.replace(/\s+/g, ' ');
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  let pg = pgVersion.replace(/ on .*/, '');
  pg = pg.replace(/,.*$/, '');
  return `${cpu.length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Linux ${release()}, Node ${process.version}, ${pg}; load average at start ${load}`;
}

export function gitRevision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench', ':!bench/results'], { encoding: 'utf8' }).trim() ? ' (with uncommitted changes)' : '';
    return rev + dirty;
  } catch {
    return 'unknown';
  }
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n < 10 ? fmt(n, 1) : fmt(n));
const failures = (s: Side) => s.non2xx + s.errors;
const cpu = (s: Side) => (s.cpuUs === null ? '—' : fmt(s.cpuUs));

export function markdownTable(r: Report): string {
  const [a, b] = r.names;
  const lines = [
    `| scenario | ${a} req/s | p50 ms | p99 ms | ${b} req/s | p50 ms | p99 ms | non-2xx ${a} / ${b} | ${a} / ${b} | ${a} RSS MB | CPU µs/req ${a} / ${b} |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const o of r.outcomes) {
    lines.push(
      `| ${o.title} | ${fmt(o.a.rps)} | ${ms(o.a.p50)} | ${ms(o.a.p99)} | ${fmt(o.b.rps)} | ${ms(o.b.p50)} | ${ms(o.b.p99)} | ${failures(o.a)} / ${failures(o.b)} | **${o.ratio.toFixed(2)}** | ${fmt(o.a.rssMb)} | ${cpu(o.a)} / ${cpu(o.b)} |`,
    );
  }
  lines.push(`| peak RSS (VmHWM), whole run | ${fmt(r.peakRssMb[0])} MB | | | ${fmt(r.peakRssMb[1])} MB | | | | ${(r.peakRssMb[0] / r.peakRssMb[1]).toFixed(2)} | | |`);
  return lines.join('\n');
}

export function markdownPage(r: Report, svgFile: string): string {
  const [a, b] = r.names;
  return `# wxmall-api bench, ${r.date.toISOString().slice(0, 16).replace('T', ' ')} UTC${PAIR_TITLES[r.pair]}

${markdownTable(r)}

- **${a} / ${b}**: ratio of 2xx answers per second, measured in the same run, scenario by scenario, the two servers taking turns slice by slice.${PAIR_NOTES[r.pair]}
- Latencies are over 2xx answers; non-2xx counts also connection errors and timeouts.
- **CPU µs/req**: each server's own CPU time (all its threads, from /proc, during the measured windows) per 2xx answer. Where a server is bound by its main thread (by id, login, list, cursor), its rate is about 1 / this, so the ratio is about the baseline's CPU over the app's.
- Setup: ${r.setup}
- Machine: ${r.machine}
- Command: \`${r.command}\`

![${a} vs ${b}](./${svgFile})
`;
}

export function consoleTable(r: Report): string {
  const [a, b] = r.names;
  const head = ['scenario', `${a} req/s`, 'p50', 'p99', `${b} req/s`, 'p50', 'p99', 'non-2xx', 'ratio', 'RSS MB', 'CPU µs/req'];
  const rows = r.outcomes.map((o) => [
    o.id,
    fmt(o.a.rps),
    ms(o.a.p50),
    ms(o.a.p99),
    fmt(o.b.rps),
    ms(o.b.p50),
    ms(o.b.p99),
    `${failures(o.a)}/${failures(o.b)}`,
    o.ratio.toFixed(2),
    fmt(o.a.rssMb),
    `${cpu(o.a)}/${cpu(o.b)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line), `peak RSS (VmHWM): ${a} ${fmt(r.peakRssMb[0])} MB, ${b} ${fmt(r.peakRssMb[1])} MB`].join('\n');
}

/** Splits text at spaces into at most `lines` lines of about `width` characters. */
function wrap(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.length > lines ? [...out.slice(0, lines - 1), `${out.slice(lines - 1).join(' ').slice(0, width - 1)}…`] : out;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * One row per scenario, a bar for each server, each row scaled to its own larger bar (the
 * scenarios' rates differ by 100×, one axis would hide the slow ones): the gap is the
 * difference in length, the ratio is printed at the right.
 */
export function svgChart(r: Report): string {
  const [a, b] = r.names;
  const left = 300;
  const barMax = 420;
  const rowHeight = 46;
  const top = 88;
  const width = left + barMax + 170;
  const height = top + r.outcomes.length * rowHeight + 40;
  const colours = r.pair !== 'app' ? ['#6c8ebf', '#9cb8e0'] : ['#d9534f', '#5b8def'];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="16" font-weight="bold">${escapeXml(`${a} vs ${b}: 2xx req/s per scenario (each row to its own scale)`)}</text>`,
    ...wrap(`${r.date.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${r.setup}`, 125, 2).map(
      (line, k) => `<text x="16" y="${44 + 16 * k}" fill="#555" font-size="12">${escapeXml(line)}</text>`,
    ),
    `<rect x="${left}" y="${top - 16}" width="12" height="10" fill="${colours[0]}"/><text x="${left + 16}" y="${top - 7}">${escapeXml(a)}</text>`,
    `<rect x="${left + 120}" y="${top - 16}" width="12" height="10" fill="${colours[1]}"/><text x="${left + 136}" y="${top - 7}">${escapeXml(b)}</text>`,
    `<text x="${left + barMax + 90}" y="${top - 7}" text-anchor="middle" fill="#555">${escapeXml(`${a} / ${b}`)}</text>`,
  ];
  r.outcomes.forEach((o, i) => {
    const y = top + i * rowHeight;
    const max = Math.max(o.a.rps, o.b.rps, 1e-9);
    const wa = Math.max(1, (o.a.rps / max) * barMax);
    const wb = Math.max(1, (o.b.rps / max) * barMax);
    const failed = failures(o.a) + failures(o.b) > 0 ? ' ⚠ non-2xx' : '';
    out.push(
      `<text x="${left - 10}" y="${y + 22}" text-anchor="end">${escapeXml(o.title)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${wa.toFixed(1)}" height="16" fill="${colours[0]}"/>`,
      `<text x="${left + wa + 6}" y="${y + 17}" font-size="11">${escapeXml(fmt(o.a.rps))}</text>`,
      `<rect x="${left}" y="${y + 22}" width="${wb.toFixed(1)}" height="16" fill="${colours[1]}"/>`,
      `<text x="${left + wb + 6}" y="${y + 35}" font-size="11">${escapeXml(fmt(o.b.rps))}</text>`,
      `<text x="${left + barMax + 90}" y="${y + 26}" text-anchor="middle" font-weight="bold" fill="${o.ratio < 0.5 && r.pair === 'app' ? '#c9302c' : '#222'}">${o.ratio.toFixed(2)}${failed}</text>`,
    );
  });
  const y = top + r.outcomes.length * rowHeight + 20;
  out.push(`<text x="16" y="${y}" fill="#555">${escapeXml(`peak RSS: ${a} ${fmt(r.peakRssMb[0])} MB, ${b} ${fmt(r.peakRssMb[1])} MB`)}</text>`, '</svg>');
  return out.join('\n') + '\n';
}
