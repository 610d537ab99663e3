import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { childPids, killAll, cleanEnv, commandLine, freePort, ROOT, Spawned, spawnProcess, waitForStatus } from '../support/processes';
import { argOf, copyOf, Dockerfile, DOCKERFILE, execForm, Instruction, readDockerfile } from './deploy-files';

/**
 * The Dockerfile, read as Docker reads it, then built and run here without Docker: each stage's
 * COPY and RUN instructions are carried out in a folder of their own (`npm ci` is emulated by
 * linking the packages it would install, from the lock file, out of this checkout's
 * node_modules), so the commands the docs promise are run against exactly what the image holds:
 * no TypeScript, no sources, only the copied files. What needs a container (USER, HEALTHCHECK's
 * schedule) is checked as written.
 */
describe('the production image (Dockerfile)', () => {
  const file = readDockerfile();
  const runtime = file.stages[file.stages.length - 1];
  const instructions = (stage: Dockerfile['stages'][number], name: string) => stage.instructions.filter((i) => i.name === name);
  const last = (stage: Dockerfile['stages'][number], name: string) => instructions(stage, name).pop();

  it('should have no parser directive: `# syntax=` makes BuildKit fetch a frontend from Docker Hub', () => {
    const text = readFileSync(DOCKERFILE, 'utf8');
    expect(text.split('\n').filter((line) => /^\s*#\s*syntax\s*=/i.test(line))).toEqual([]);
    expect(file.header.filter((line) => /^\s*#\s*\w+\s*=/.test(line))).toEqual([]);
  });

  it('should take the base image of every stage from ARG NODE_IMAGE (default node:22-bookworm-slim)', () => {
    const nodeImage = file.global.filter((i) => i.name === 'ARG').map(argOf).find(([name]) => name === 'NODE_IMAGE');
    expect(nodeImage).toEqual(['NODE_IMAGE', 'node:22-bookworm-slim']);
    expect(file.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of file.stages) expect(stage.from).toMatch(/^\$\{?NODE_IMAGE\}?$/);
  });

  it('should install from NPM_REGISTRY when given, and from the lock file registry otherwise', () => {
    const installs = file.stages.flatMap((stage) => instructions(stage, 'RUN').filter((run) => /\bnpm ci\b/.test(run.args)).map((run) => ({ stage, run })));
    expect(installs.length).toBe(file.stages.length);
    for (const { stage, run } of installs) {
      expect(instructions(stage, 'ARG').map(argOf).map(([name]) => name), `stage ${stage.name}`).toContain('NPM_REGISTRY');
      // The `npm ci` command of the RUN line, expanded by sh as Docker runs it, with an `npm` that
      // prints its arguments (the rest of the line is not run: it would act on this checkout).
      const commands = run.args.split(/\s*&&\s*/).filter((command) => /^npm ci\b/.test(command));
      expect(commands).toHaveLength(1);
      const npmCi = (registry?: string) =>
        execFileSync('sh', ['-c', `npm() { echo "npm $*"; }; ${commands[0]}`], { cwd: tmpdir(), env: { PATH: process.env.PATH, ...(registry ? { NPM_REGISTRY: registry } : {}) }, encoding: 'utf8' }).trim();
      expect(npmCi()).toMatch(/^npm ci\b/);
      expect(npmCi()).not.toContain('--registry');
      expect(npmCi('https://npm.mirror.example/')).toContain('--registry=https://npm.mirror.example/');
    }
  });

  it('should run as the unprivileged node user, stop on SIGTERM, and start node itself (exec form, no shell, no npm)', () => {
    expect(last(runtime, 'USER')?.args).toBe('node');
    expect(last(runtime, 'STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(execForm(last(runtime, 'CMD')!.args)).toEqual(['node', 'dist/src/main.js']);
    expect(instructions(runtime, 'ENTRYPOINT')).toEqual([]);
    expect(instructions(runtime, 'ENV').map((i) => i.args)).toContain('NODE_ENV=production');
  });

  it("should size V8's heap and glibc's arenas for a container in its ENV, which the CMD, `npm start` and the CLI all get (docs/performance.md)", () => {
    const options = instructions(runtime, 'ENV').map(argOf).find(([name]) => name === 'NODE_OPTIONS')?.[1];
    expect(options?.split(' ')).toEqual(expect.arrayContaining([expect.stringMatching(/^--max-old-space-size=\d+$/), expect.stringMatching(/^--max-semi-space-size=\d+$/)]));
    expect(instructions(runtime, 'ENV').map((i) => i.args)).toContain('MALLOC_ARENA_MAX=2');
  });

  it('should check liveness, in exec form: /api/health/live never touches the database', () => {
    const healthcheck = last(runtime, 'HEALTHCHECK')!;
    const command = execForm(healthcheck.args.replace(/^(--\S+\s+)*CMD\s+/, ''));
    expect(command?.[0]).toBe('node');
    expect(command!.join(' ')).toContain('/api/health/live');
  });

  it('should copy no benchmark into the build, nor the build-info file out of it', () => {
    const build = file.stages.find((s) => s.name === 'build')!;
    const sources = instructions(build, 'COPY').flatMap((i) => copyOf(i).sources);
    expect(sources.filter((s) => /^(\.\/)?bench\b/.test(s))).toEqual([]);
    expect(readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n')).toContain('bench');
  });

  describe('built and run without Docker', () => {
    let work = '';
    let app = '';
    let image: { env: Record<string, string>; cmd: string[]; healthcheck: string[] };
    const running: Spawned[] = [];
    const db = new Client({ connectionString: inject('databaseUrl') });

    beforeAll(async () => {
      await db.connect();
      work = mkdtempSync(join(tmpdir(), 'wxmall-image-'));
      image = buildImage(file, work);
      app = join(work, 'runtime', 'app');
    }, 240_000);
    afterEach(async () => {
      await killAll(running);
    });
    afterAll(async () => {
      await db.query(`DELETE FROM users WHERE username = 'image-admin'`).catch(() => undefined);
      await db.end();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    /** The environment of a container of the image: its ENV, the settings production requires, no toolchain on PATH. */
    const containerEnv = (extra: Record<string, string> = {}) => {
      const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => !/node_modules[\\/]\.bin/.test(dir)).join(delimiter);
      return cleanEnv({
        ...image.env,
        PATH: path,
        DATABASE_URL: inject('databaseUrl'),
        JWT_SECRET: 'image-test-jwt-secret-0123456789abcdefghijklmn',
        DATA_ENCRYPTION_KEY: 'cd'.repeat(32),
        WECHAT_APPID: 'wximagetest0000001',
        WECHAT_SECRET: 'image-test-wechat-secret',
        WECHAT_API_BASE: 'http://127.0.0.1:9',
        LOG_LEVEL: 'info',
        ...extra,
      });
    };
    const run = (command: string, args: string[], extra: Record<string, string> = {}) =>
      spawnSync(command, args, { cwd: app, env: containerEnv(extra), encoding: 'utf8', timeout: 120_000 });

    it('should hold the compiled app without the benchmark, the build-info file or a build stamp', () => {
      expect(existsSync(join(app, 'dist', 'src', 'main.js'))).toBe(true);
      expect(existsSync(join(app, 'dist', 'src', 'cli.js'))).toBe(true);
      expect(existsSync(join(app, 'dist', 'admin', 'index.html'))).toBe(true);
      expect(readdirSync(join(app, 'dist')).filter((name) => name === 'bench' || name.startsWith('.'))).toEqual([]);
      expect(existsSync(join(app, 'src'))).toBe(false);
    });

    it('should hold no TypeScript toolchain', () => {
      expect(() => require.resolve('typescript', { paths: [app] })).toThrow();
      expect(existsSync(join(app, 'node_modules', '.bin', 'tsc'))).toBe(false);
    });

    it('should apply migrations with `node dist/src/cli.js migrate`, `npm run migrate` and `npm run migration:run`', () => {
      for (const [command, args] of [
        ['node', ['dist/src/cli.js', 'migrate']],
        ['npm', ['run', '--silent', 'migrate']],
        ['npm', ['run', '--silent', 'migration:run']],
      ] as const) {
        const result = run(command, [...args]);
        expect(result.status, `${command} ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`).toBe(0);
        expect(result.stderr).not.toMatch(/tsc|building/);
      }
    }, 120_000);

    it('should run the operator CLI with `npm run cli -- create-admin`', async () => {
      const result = run('npm', ['run', '--silent', 'cli', '--', 'create-admin', 'image-admin'], { ADMIN_PASSWORD: 'image-admin-password' });
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/created admin "image-admin"/);
      expect((await db.query(`SELECT role FROM users WHERE username = 'image-admin'`)).rows).toEqual([{ role: 'admin' }]);
    }, 60_000);

    it('should serve with `npm start` (prestart builds nothing), pass its own health check, and exit 0 on SIGTERM', async () => {
      const port = await freePort();
      const npm = spawnProcess('npm', ['start'], { cwd: app, env: containerEnv({ PORT: String(port) }) });
      running.push(npm);
      await waitForStatus(`http://127.0.0.1:${port}/api/health/live`, 200, npm);
      const [serverPid] = childPids(npm.child.pid!);
      expect(commandLine(serverPid)).toBe('node dist/src/main.js');
      expect(npm.output()).not.toMatch(/building|tsc/);

      // The HEALTHCHECK command, as Docker would run it inside the container.
      const healthy = spawnSync(image.healthcheck[0], image.healthcheck.slice(1), { cwd: app, env: containerEnv({ PORT: String(port) }), timeout: 10_000 });
      expect(healthy.status).toBe(0);

      process.kill(serverPid, 'SIGTERM');
      expect(await npm.exited).toEqual({ code: 0, signal: null });
      const unhealthy = spawnSync(image.healthcheck[0], image.healthcheck.slice(1), { cwd: app, env: containerEnv({ PORT: String(port) }), timeout: 10_000 });
      expect(unhealthy.status).toBe(1);
    }, 90_000);

    it('should serve the API and the staff console with its CMD', async () => {
      const port = await freePort();
      const server = spawnProcess(image.cmd[0], image.cmd.slice(1), { cwd: app, env: containerEnv({ PORT: String(port) }) });
      running.push(server);
      await waitForStatus(`http://127.0.0.1:${port}/api/health/ready`, 200, server);
      // The staff console was built into the image.
      expect((await fetch(`http://127.0.0.1:${port}/admin/`)).status).toBe(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    }, 90_000);
  });
});

/** Top-level packages `npm ci` installs with these omissions, read from the lock file. */
function lockedPackages(omit: string[]): string[] {
  const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }> };
  const names: string[] = [];
  for (const [key, meta] of Object.entries(lock.packages)) {
    const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key);
    if (!match) continue;
    const omitted =
      (omit.includes('dev') && meta.dev) ||
      (omit.includes('optional') && meta.optional) ||
      (omit.includes('dev') && omit.includes('optional') && meta.devOptional);
    if (!omitted) names.push(match[1]);
  }
  return names;
}

/** `npm ci [--omit=…]` in `dir`: this checkout's installed packages, those only, linked in. */
function emulateNpmCi(args: string, dir: string): void {
  const omit = [...args.matchAll(/--omit=(\w+)/g)].map((m) => m[1]);
  const modules = join(dir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  for (const name of lockedPackages(omit)) {
    const target = resolve(ROOT, 'node_modules', name);
    if (!existsSync(target)) continue; // a platform's optional binary that is not this one's
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(target, join(modules, name), 'dir');
  }
  // The build stage runs its toolchain through npx: the installed bins.
  if (!omit.includes('dev')) symlinkSync(resolve(ROOT, 'node_modules', '.bin'), join(modules, '.bin'), 'dir');
}

/**
 * `rm -rf node_modules/…` in a stage whose node_modules holds links into this checkout's: done
 * here, removing the links themselves (a shell's `rm -rf link/` would empty the linked folder).
 */
function emulateRemoval(command: string, dir: string): void {
  const [verb, ...words] = command.trim().split(/\s+/);
  if (verb !== 'rm') throw new Error(`cannot emulate "${command}" over linked node_modules`);
  for (const target of words.filter((w) => !w.startsWith('-'))) {
    if (/[*?[]/.test(target) || target.startsWith('/') || target.includes('..')) throw new Error(`cannot emulate "${command}"`);
    rmSync(join(dir, target.replace(/\/+$/, '')), { recursive: true, force: true });
  }
}

/** COPY's semantics: a folder's contents go into the destination; files into it when it is a folder. */
function copyInto(source: string, destination: string, destinationIsDir: boolean): void {
  if (statSync(source).isDirectory()) {
    cpSync(source, destination, { recursive: true });
  } else {
    const target = destinationIsDir ? join(destination, basename(source)) : destination;
    mkdirSync(dirname(target), { recursive: true });
    cpSync(source, target);
  }
}

/**
 * Carries out each stage in `<work>/<stage>/app` (WORKDIR /app): COPY from this checkout or an
 * earlier stage, RUN through sh (npm ci emulated), ENV and ARG defaults as the RUN environment.
 * Returns what a container of the last stage starts with.
 */
function buildImage(file: Dockerfile, work: string): { env: Record<string, string>; cmd: string[]; healthcheck: string[] } {
  const stageDirs = new Map<string, string>();
  const globalArgs = new Map(file.global.filter((i) => i.name === 'ARG').map(argOf));
  let env: Record<string, string> = {};
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  for (const [index, stage] of file.stages.entries()) {
    const name = stage.name ?? String(index);
    const root = join(work, name);
    let workdir = root;
    env = {};
    const args: Record<string, string> = {};
    mkdirSync(root, { recursive: true });
    const at = (path: string) => (path.startsWith('/') ? join(root, path) : join(workdir, path));
    for (const instruction of stage.instructions as Instruction[]) {
      switch (instruction.name) {
        case 'WORKDIR':
          workdir = at(instruction.args);
          mkdirSync(workdir, { recursive: true });
          break;
        case 'ARG': {
          const [argName, value] = argOf(instruction);
          const fallback = value ?? globalArgs.get(argName);
          if (fallback !== undefined) args[argName] = fallback;
          break;
        }
        case 'ENV': {
          const [envName, value] = argOf(instruction);
          env[envName] = value ?? '';
          break;
        }
        case 'COPY': {
          const { from, sources, dest } = copyOf(instruction);
          const destination = at(dest);
          const destinationIsDir = dest.endsWith('/') || sources.length > 1;
          for (const source of sources) {
            const origin = from === null ? resolve(ROOT, source) : join(stageDirs.get(from)!, source);
            copyInto(origin, destination, destinationIsDir);
          }
          break;
        }
        case 'RUN': {
          const commands = instruction.args.split(/\s*&&\s*/);
          for (let command of commands) {
            if (/^npm ci\b/.test(command)) emulateNpmCi(command, workdir);
            else if (/^npm cache\b/.test(command)) continue;
            else if (/^chown\b/.test(command)) continue; // no users here: USER is checked as written
            else if (/node_modules/.test(command)) emulateRemoval(command, workdir);
            else {
              // Absolute paths are the stage's own (`mkdir -p /app/.data`), never this machine's.
              command = command.replace(/(^|\s)\/(?=\w)/g, `$1${root}/`);
              const result = spawnSync('sh', ['-c', command], { cwd: workdir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...args, ...env }, encoding: 'utf8' });
              if (result.status !== 0) throw new Error(`RUN ${command} (stage ${name}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
            }
          }
          break;
        }
        case 'CMD':
          cmd = execForm(instruction.args) ?? ['sh', '-c', instruction.args];
          break;
        case 'HEALTHCHECK':
          healthcheck = execForm(instruction.args.replace(/^(--\S+\s+)*CMD\s+/, '')) ?? [];
          break;
        default:
          break; // USER, EXPOSE, STOPSIGNAL: checked as written
      }
    }
    stageDirs.set(name, root);
  }
  return { env, cmd, healthcheck };
}
