import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, DEVELOPMENT_ONLY_VARIABLES, loadConfig } from './load-config';

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'development', ...env });

/**
 * The `app` service of docker-compose.yml: its `restart:` and the names in its
 * `environment:` map. The file is indented by two spaces a level; no YAML parser needed.
 */
function composeAppService(): { restart: string | null; environment: string[] } {
  const lines = readFileSync(resolve(__dirname, '..', '..', 'docker-compose.yml'), 'utf8').split('\n');
  const start = lines.findIndex((line) => /^  app:\s*$/.test(line));
  expect(start).toBeGreaterThan(-1);
  const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line));
  const service = lines.slice(start + 1, end === -1 ? undefined : end);
  const restart = service.map((line) => /^    restart:\s*(\S+)/.exec(line)?.[1]).find(Boolean) ?? null;
  const environment: string[] = [];
  const envStart = service.findIndex((line) => /^    environment:\s*$/.test(line));
  for (const line of envStart === -1 ? [] : service.slice(envStart + 1)) {
    if (/^ {0,4}\S/.test(line)) break;
    const name = /^      ([A-Z][A-Z0-9_]*):/.exec(line)?.[1];
    if (name) environment.push(name);
  }
  return { restart, environment };
}

describe(`${loadConfig.name} (operations settings)`, () => {
  it('should trust no proxy by default', () => {
    expect(load({}).trustProxy).toBe(0);
    expect(load({ TRUST_PROXY: 'false' }).trustProxy).toBe(0);
  });

  it('should read TRUST_PROXY=true as one proxy, and a number as that many', () => {
    expect(load({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(load({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('should read TRUST_PROXY as the addresses and ranges of the proxies', () => {
    expect(load({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,loopback, fd00::/8' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', 'loopback', 'fd00::/8']);
  });

  it('should refuse a TRUST_PROXY that is none of those, naming it', () => {
    for (const bad of ['maybe', '10.0.0.0/33', 'lb.internal', '11', '10.0.0.1/8/1']) {
      expect(() => load({ TRUST_PROXY: bad })).toThrow(ConfigError);
      expect(() => load({ TRUST_PROXY: bad })).toThrow(/^Configuration error: TRUST_PROXY /);
    }
  });

  it('should split CORS_ORIGINS on commas', () => {
    expect(load({}).corsOrigins).toEqual([]);
    expect(load({ CORS_ORIGINS: 'https://a.example.com, https://b.example.com,' }).corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
  });

  it('should read REDIS_URL and REDIS_KEY_PREFIX, refusing a URL that is not redis://', () => {
    expect(load({})).toMatchObject({ redisUrl: null, redisKeyPrefix: 'wxmall:' });
    expect(load({ REDIS_URL: 'redis://cache:6379/2', REDIS_KEY_PREFIX: 'shop-a:' })).toMatchObject({ redisUrl: 'redis://cache:6379/2', redisKeyPrefix: 'shop-a:' });
    expect(() => load({ REDIS_URL: 'http://cache:6379' })).toThrow(/REDIS_URL/);
    expect(() => load({ REDIS_KEY_PREFIX: 'has space' })).toThrow(/REDIS_KEY_PREFIX/);
  });

  it('should log at info by default, silently in tests, and refuse an unknown level', () => {
    expect(load({}).logLevel).toBe('info');
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(load({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => load({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
  });

  it('should be given every variable it reads by docker-compose.yml, so none is forgotten there', () => {
    const { environment } = composeAppService();
    const expected = configVariables().filter((name) => !DEVELOPMENT_ONLY_VARIABLES.includes(name));
    expect(expected.length).toBeGreaterThan(15);
    expect(expected.filter((name) => !environment.includes(name))).toEqual([]);
  });

  it('should be restarted by docker-compose unless stopped on purpose', () => {
    expect(composeAppService().restart).toBe('unless-stopped');
  });
});
