import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../support/processes';

/**
 * Readers of the deployment files as Docker, Compose and nginx read them: docker-compose.yml
 * (YAML with merge keys, then Compose's `${VAR:-default}` interpolation), the Dockerfile (its
 * stages and instructions) and deploy/nginx/wxmall.conf (rendered for processes of a test).
 */

export const COMPOSE_FILE = resolve(ROOT, 'docker-compose.yml');
export const DOCKERFILE = resolve(ROOT, 'Dockerfile');
export const NGINX_CONF = resolve(ROOT, 'deploy', 'nginx', 'wxmall.conf');

// ---------------------------------------------------------------- docker-compose.yml

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  restart?: string;
  ports?: unknown[];
  expose?: unknown[];
  container_name?: string;
  network_mode?: string;
  depends_on?: Record<string, { condition?: string }> | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string[] | string };
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[];
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

export function readCompose(text = readFileSync(COMPOSE_FILE, 'utf8')): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

/**
 * Compose's interpolation of one value: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+other}`, `${VAR+other}`.
 * A required variable that is missing throws with the file's error text.
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name, colon, op, arg, bare) => {
    if (match === '$$') return '$';
    if (bare) return env[bare] ?? '';
    const raw = env[name];
    const unset = colon ? raw === undefined || raw === '' : raw === undefined;
    switch (op) {
      case undefined:
        return raw ?? '';
      case '-':
        return unset ? interpolate(arg, env) : raw!;
      case '?':
        if (unset) throw new Error(`required variable ${name} is missing a value: ${arg}`);
        return raw!;
      case '+':
        return unset ? '' : interpolate(arg, env);
      default:
        throw new Error(`unsupported interpolation ${match}`);
    }
  });
}

/** A service's environment as the container gets it, for a `.env` (or shell) holding `env`. */
export function serviceEnvironment(service: ComposeService, env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries: [string, unknown][] = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const at = line.indexOf('=');
        return at === -1 ? [line, env[line]] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {});
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue;
    out[name] = interpolate(String(value), env);
  }
  return out;
}

/** The names a service's environment sets. */
export function environmentNames(service: ComposeService): string[] {
  if (Array.isArray(service.environment)) return service.environment.map((line) => line.split('=')[0]);
  return Object.keys(service.environment ?? {});
}

export function dependencyCondition(service: ComposeService, on: string): string | undefined {
  const deps = service.depends_on;
  if (!deps) return undefined;
  if (Array.isArray(deps)) return deps.includes(on) ? 'service_started' : undefined;
  const dep = deps[on];
  return dep ? (dep.condition ?? 'service_started') : undefined;
}

/** `[host:]hostPort:containerPort[/proto]` or the long syntax → the container port of a published port. */
export function publishedContainerPort(entry: unknown): number {
  if (typeof entry === 'object' && entry !== null) return Number((entry as { target: unknown }).target);
  const spec = String(entry).replace(/\/(tcp|udp)$/, '');
  return Number(spec.split(':').pop());
}

// ---------------------------------------------------------------- Dockerfile

export interface Instruction {
  /** Upper case: FROM, RUN, COPY, … */
  name: string;
  /** The rest of the instruction, continuation lines joined. */
  args: string;
}

export interface Dockerfile {
  /** Lines before the first instruction (comments; a parser directive like `# syntax=` would be here). */
  header: string[];
  /** Instructions before the first FROM (global ARGs). */
  global: Instruction[];
  stages: { from: string; name: string | null; instructions: Instruction[] }[];
}

export function readDockerfile(text = readFileSync(DOCKERFILE, 'utf8')): Dockerfile {
  const lines = text.split('\n');
  const header: string[] = [];
  const instructions: Instruction[] = [];
  let pending = '';
  let started = false;
  for (const line of lines) {
    if (!started && (/^\s*#/.test(line) || line.trim() === '')) {
      header.push(line);
      continue;
    }
    started = true;
    if (!pending && (/^\s*#/.test(line) || line.trim() === '')) continue;
    if (pending && /^\s*#/.test(line)) continue; // comments inside a continued instruction
    const continued = /\\\s*$/.test(line);
    pending += (pending ? ' ' : '') + line.replace(/\\\s*$/, '').trim();
    if (continued) continue;
    const match = /^(\w+)\s*(.*)$/.exec(pending)!;
    instructions.push({ name: match[1].toUpperCase(), args: match[2].trim() });
    pending = '';
  }
  const parsed: Dockerfile = { header, global: [], stages: [] };
  for (const instruction of instructions) {
    if (instruction.name === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      parsed.stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : null, instructions: [] });
    } else if (parsed.stages.length === 0) {
      parsed.global.push(instruction);
    } else {
      parsed.stages[parsed.stages.length - 1].instructions.push(instruction);
    }
  }
  return parsed;
}

/** `ARG NAME=default` / `ARG NAME` → [name, default]. */
export function argOf(instruction: Instruction): [string, string | undefined] {
  const at = instruction.args.indexOf('=');
  if (at === -1) return [instruction.args, undefined];
  // `NAME="a value with spaces"`: Docker takes off the quotes.
  const value = instruction.args.slice(at + 1);
  return [instruction.args.slice(0, at), /^".*"$/.test(value) ? value.slice(1, -1) : value];
}

/** An exec-form (JSON array) argument, else null. */
export function execForm(args: string): string[] | null {
  if (!args.startsWith('[')) return null;
  try {
    const parsed = JSON.parse(args) as unknown;
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? (parsed as string[]) : null;
  } catch {
    return null;
  }
}

/** `COPY [--from=x] [--chown=…] src… dest` → its parts. */
export function copyOf(instruction: Instruction): { from: string | null; sources: string[]; dest: string } {
  const words = instruction.args.split(/\s+/);
  let from: string | null = null;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
  }
  const dest = words.pop()!;
  return { from, sources: words, dest };
}

// ---------------------------------------------------------------- nginx

/** The nginx binary on this machine (Debian puts it in /usr/sbin), or null. */
export function findNginx(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      execFileSync(candidate, ['-v'], { stdio: 'pipe' });
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export const UPSTREAM_SERVER_LINE = /^(\s*)server\s+app:3000\b[^;]*;[ \t]*$/m;
export const LISTEN_LINE = /^(\s*)listen\s+80\s*;[ \t]*$/m;

/**
 * deploy/nginx/wxmall.conf for processes of this machine: its one upstream `server app:3000 …`
 * line becomes one line per given address (keeping the line's parameters but `resolve`, which
 * only a name needs), and its `listen 80;` the given address. Nothing else changes.
 */
export function renderNginxConf(options: { upstreams: string[]; listen: string }, text = readFileSync(NGINX_CONF, 'utf8')): string {
  const server = UPSTREAM_SERVER_LINE.exec(text);
  if (!server || text.match(new RegExp(UPSTREAM_SERVER_LINE.source, 'gm'))!.length !== 1) {
    throw new Error(`${NGINX_CONF} must have exactly one upstream line "server app:3000 …;"`);
  }
  if (!LISTEN_LINE.test(text) || text.match(new RegExp(LISTEN_LINE.source, 'gm'))!.length !== 1) {
    throw new Error(`${NGINX_CONF} must have exactly one "listen 80;" line`);
  }
  const parameters = server[0]
    .trim()
    .replace(/^server\s+app:3000/, '')
    .replace(/;$/, '')
    .split(/\s+/)
    .filter((p) => p && p !== 'resolve');
  const indent = server[1];
  const lines = options.upstreams.map((address) => `${indent}server ${[address, ...parameters].join(' ')};`).join('\n');
  return text.replace(UPSTREAM_SERVER_LINE, lines).replace(LISTEN_LINE, `$1listen ${options.listen};`);
}

/**
 * A main nginx.conf around the site file, as the official image's is around conf.d/*.conf, but
 * everything under `prefix` (no root-only path) and in the foreground of the process that runs it.
 */
export function mainNginxConf(prefix: string, siteFile: string): string {
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    'error_log stderr warn;',
    'events { worker_connections 256; }',
    'http {',
    `  client_body_temp_path ${join(prefix, 'client_body')};`,
    `  proxy_temp_path ${join(prefix, 'proxy')};`,
    `  fastcgi_temp_path ${join(prefix, 'fastcgi')};`,
    `  uwsgi_temp_path ${join(prefix, 'uwsgi')};`,
    `  scgi_temp_path ${join(prefix, 'scgi')};`,
    '  default_type application/octet-stream;',
    `  include ${siteFile};`,
    '}',
    '',
  ].join('\n');
}

export function fileExists(relative: string): boolean {
  return existsSync(resolve(ROOT, relative));
}
