import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configVariables, DEVELOPMENT_ONLY_VARIABLES, loadCliConfig, loadConfig } from '../../src/config/load-config';
import { ROOT } from '../support/processes';
import {
  dependencyCondition,
  environmentNames,
  interpolate,
  LISTEN_LINE,
  NGINX_CONF,
  publishedContainerPort,
  readCompose,
  serviceEnvironment,
} from './deploy-files';

/** What an operator's `.env` holds (the four secrets production requires), as docker-compose.yml's header asks. */
const DOT_ENV: Record<string, string> = {
  JWT_SECRET: 'compose-test-jwt-secret-0123456789abcdefghij',
  WECHAT_APPID: 'wxcomposetest00001',
  WECHAT_SECRET: 'compose-test-wechat-secret',
  DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
};

/**
 * docker-compose.yml as Compose reads it (YAML, merge keys, `${VAR:-default}`): the stack of
 * docs/deploying.md — internal PostgreSQL and Redis, a one-shot `migrate`, a scalable `app`
 * behind an nginx load balancer on the host port.
 */
describe('docker-compose.yml', () => {
  const { services } = readCompose();
  const { postgres, redis, migrate, app, lb } = services;

  it('should have the services of the deployed stack', () => {
    expect(Object.keys(services).sort()).toEqual(['app', 'lb', 'migrate', 'postgres', 'redis']);
  });

  it('should publish no host port for PostgreSQL, Redis, migrate or the app (only the load balancer is reachable)', () => {
    for (const [name, service] of Object.entries({ postgres, redis, migrate, app })) {
      expect(service.ports, `${name} publishes ${JSON.stringify(service.ports)}`).toBeUndefined();
      expect(service.network_mode, name).toBeUndefined();
    }
  });

  it('should publish PostgreSQL and Redis on the loopback only in the development overlay (deploy/compose.ports.yml)', () => {
    const overlay = readCompose(readFileSync(resolve(ROOT, 'deploy', 'compose.ports.yml'), 'utf8')).services;
    expect(Object.keys(overlay).sort()).toEqual(['postgres', 'redis']);
    const bindings = Object.values(overlay).flatMap((service) => (service.ports ?? []).map((p) => interpolate(String(p), {})));
    expect(bindings).toEqual(['127.0.0.1:5432:5432', '127.0.0.1:6379:6379']);
  });

  it('should let the app scale: no fixed container name, and the same image as migrate', () => {
    expect(app.container_name).toBeUndefined();
    expect(app.image).toEqual(expect.any(String));
    expect(migrate.image).toBe(app.image);
    expect(migrate.build).toEqual(app.build);
    expect(app.build).toBeDefined();
  });

  it('should migrate in a one-shot service that the app waits to see succeed', () => {
    expect(migrate.command).toEqual(['node', 'dist/src/cli.js', 'migrate']);
    // One-shot: never restarted, so a finished run is final (and a failed one stops the stack).
    expect([undefined, 'no']).toContain(migrate.restart);
    expect(dependencyCondition(migrate, 'postgres')).toBe('service_healthy');
    expect(dependencyCondition(app, 'migrate')).toBe('service_completed_successfully');
    expect(dependencyCondition(app, 'postgres')).toBe('service_healthy');
    expect(dependencyCondition(app, 'redis')).toBe('service_healthy');
  });

  it('should give migrate the configuration it loads, on the app database', () => {
    const migrateEnv = serviceEnvironment(migrate, DOT_ENV);
    const appEnv = serviceEnvironment(app, DOT_ENV);
    expect(migrateEnv.NODE_ENV).toBe('production');
    expect(migrateEnv.DATABASE_URL).toBe(appEnv.DATABASE_URL);
    expect(() => loadCliConfig(migrateEnv)).not.toThrow();
  });

  it('should start instances that do not migrate (MIGRATIONS_RUN=false), checked ready by /api/health/ready', () => {
    const appEnv = serviceEnvironment(app, DOT_ENV);
    expect(appEnv.MIGRATIONS_RUN).toBe('false');
    // Whatever the loader calls it, the app reads the setting as "do not migrate".
    expect(loadConfig(appEnv)).toMatchObject({ migrationsRun: false });
    expect(JSON.stringify(app.healthcheck?.test)).toContain('/api/health/ready');
    expect(app.restart).toBe('unless-stopped');
  });

  it('should pass the app every setting the config loader reads', () => {
    const names = environmentNames(app);
    const expected = configVariables().filter((name) => !DEVELOPMENT_ONLY_VARIABLES.includes(name));
    expect(expected.length).toBeGreaterThan(15);
    expect(expected.filter((name) => !names.includes(name))).toEqual([]);
    // And nothing the loader does not know (a typo would be silently ignored).
    expect(names.filter((name) => !configVariables().includes(name))).toEqual([]);
  });

  it('should give the app a valid production configuration from the four secrets of .env, and refuse to run without each', () => {
    const config = loadConfig(serviceEnvironment(app, DOT_ENV));
    expect(config).toMatchObject({ env: 'production', redisUrl: 'redis://redis:6379', databaseUrl: 'postgres://postgres:postgres@postgres:5432/wxmall' });
    for (const secret of Object.keys(DOT_ENV)) {
      const { [secret]: _left, ...without } = DOT_ENV;
      expect(() => serviceEnvironment(app, without), secret).toThrow(new RegExp(`required variable ${secret} `));
      expect(() => serviceEnvironment(migrate, without), secret).toThrow(new RegExp(`required variable ${secret} `));
    }
  });

  it('should trust exactly one proxy hop by default (the load balancer), and let .env say otherwise', () => {
    expect(loadConfig(serviceEnvironment(app, DOT_ENV)).trustProxy).toBe(1);
    expect(loadConfig(serviceEnvironment(app, { ...DOT_ENV, TRUST_PROXY: '2' })).trustProxy).toBe(2);
  });

  it('should keep PostgreSQL and Redis healthy-checked, so migrate and the app start after them', () => {
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
    expect(JSON.stringify(redis.healthcheck?.test)).toContain('ping');
  });

  describe('the load balancer', () => {
    it('should be nginx from the official image, recent enough to re-resolve `app` (>= 1.27.3)', () => {
      const match = /^nginx:(\d+)\.(\d+)(?:\.(\d+))?(?:-[a-z0-9.-]+)?$/.exec(lb.image ?? '');
      expect(match, lb.image).not.toBeNull();
      const [major, minor, patch] = [Number(match![1]), Number(match![2]), match![3] === undefined ? null : Number(match![3])];
      // 1.27 without a patch could be 1.27.0, which lacks `resolve`.
      const recent = major > 1 || minor > 27 || (minor === 27 && patch !== null && patch >= 3);
      expect(recent, lb.image).toBe(true);
    });

    it('should mount the repository config as the image site config', () => {
      const mounts = (lb.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}${v.read_only ? ':ro' : ''}`));
      const site = mounts.find((m) => m.split(':')[1] === '/etc/nginx/conf.d/default.conf');
      expect(site, JSON.stringify(mounts)).toBeDefined();
      expect(resolve(ROOT, site!.split(':')[0])).toBe(NGINX_CONF);
      expect(existsSync(NGINX_CONF)).toBe(true);
      expect(site!.endsWith(':ro')).toBe(true);
    });

    it('should publish one host port, to the port its config listens on', () => {
      expect(lb.ports).toHaveLength(1);
      const listen = /listen\s+(\d+)\s*;/.exec(LISTEN_LINE.exec(readFileSync(NGINX_CONF, 'utf8'))![0])![1];
      expect(publishedContainerPort(lb.ports![0])).toBe(Number(listen));
    });

    it('should start once the app is healthy, and be checked through itself on /api/health/ready', () => {
      expect(dependencyCondition(lb, 'app')).toBe('service_healthy');
      expect(JSON.stringify(lb.healthcheck?.test)).toContain('/api/health/ready');
    });
  });
});
