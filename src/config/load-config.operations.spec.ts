import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'development', ...env });

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
});
