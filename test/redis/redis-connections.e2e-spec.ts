import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { RedisConnections, RedisUnavailableError } from '../../src/redis/redis-connections';
import { FaultyProxy } from '../support/faulty-proxy';
import { TEST_REDIS_URL as REDIS_URL } from '../support/redis';

const COMMAND_MS = 300;

/**
 * RedisConnections on its own, against the machine's Redis through a proxy that can make it
 * hang or go away: commands never wait on a Redis that does not answer, beyond the one command
 * that meets the failure, and everything comes back by itself.
 */
describe(RedisConnections.name, () => {
  const prefix = `wxmall-test-connections-${randomBytes(4).toString('hex')}:`;
  const direct = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  afterAll(async () => {
    const keys = await direct.keys(`${prefix}*`);
    if (keys.length) await direct.del(...keys);
    await direct.quit();
  });

  async function connections(mode: 'forward' | 'stall' = 'forward') {
    const proxy = FaultyProxy.for(REDIS_URL, 6379);
    await proxy.listen();
    proxy.setMode(mode);
    const config = loadConfig({ REDIS_URL: proxy.urlThrough(REDIS_URL), REDIS_KEY_PREFIX: prefix });
    config.timeouts.redis.commandMs = COMMAND_MS;
    const sut = new RedisConnections(config);
    onTestFinished(async () => {
      await sut.onApplicationShutdown();
      await proxy.close();
    });
    return { sut, proxy };
  }

  it('should keep keys and channels under REDIS_KEY_PREFIX', async () => {
    const { sut } = await connections();
    const received: string[] = [];
    sut.subscribe('things', (message) => received.push(message));
    expect(await sut.whenAvailable(5000)).toBe(true);
    await sut.run((redis) => redis.set('a-key', 'a-value', 'PX', 60_000));
    expect(await direct.get(`${prefix}a-key`)).toBe('a-value');
    await vi.waitFor(async () => expect(await direct.pubsub('NUMSUB', `${prefix}things`)).toEqual([`${prefix}things`, 1]));
    await direct.publish(`${prefix}things`, 'hello');
    await direct.publish('things', 'not ours');
    await sut.publish('things', 'from itself');
    await vi.waitFor(() => expect(received).toEqual(['hello', 'from itself']));
  });

  it('should refuse at once, without asking, while Redis accepts connections and never answers', async () => {
    const { sut, proxy } = await connections('stall');
    expect(await sut.whenAvailable(500)).toBe(false);
    const started = performance.now();
    await expect(sut.run((redis) => redis.get('k'))).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(sut.publish('things', 'x')).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(performance.now() - started).toBeLessThan(50);
    expect(proxy.stalledData).not.toMatch(/\bGET\b|PUBLISH/i);
  });

  it('should fail the one command that meets a hang within the command timeout, refuse the next ones at once, and come back by itself', async () => {
    const { sut, proxy } = await connections();
    expect(await sut.whenAvailable(5000)).toBe(true);
    proxy.setMode('stall', { keepConnections: true });
    const started = performance.now();
    await expect(sut.run((redis) => redis.get('k'))).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(COMMAND_MS - 20);
    expect(performance.now() - started).toBeLessThan(COMMAND_MS + 500);
    expect(sut.available).toBe(false);
    const next = performance.now();
    await expect(sut.run((redis) => redis.get('k'))).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(performance.now() - next).toBeLessThan(50);

    proxy.setMode('forward');
    await vi.waitFor(() => expect(sut.available).toBe(true), { timeout: 10_000 });
    await expect(sut.run((redis) => redis.set('back', '1', 'PX', 60_000))).resolves.toBe('OK');
  });

  it('should subscribe again after Redis went away and came back', async () => {
    const { sut, proxy } = await connections();
    const received: string[] = [];
    sut.subscribe('again', (message) => received.push(message));
    await vi.waitFor(async () => expect((await direct.pubsub('NUMSUB', `${prefix}again`))[1]).toBe(1));
    proxy.setMode('drop');
    await vi.waitFor(async () => expect((await direct.pubsub('NUMSUB', `${prefix}again`))[1]).toBe(0));
    proxy.setMode('forward');
    await vi.waitFor(async () => expect((await direct.pubsub('NUMSUB', `${prefix}again`))[1]).toBe(1), { timeout: 10_000 });
    await direct.publish(`${prefix}again`, 'after');
    await vi.waitFor(() => expect(received).toEqual(['after']));
  });

  it('should do nothing without REDIS_URL', async () => {
    const sut = new RedisConnections(loadConfig({}));
    expect(sut.enabled).toBe(false);
    expect(sut.available).toBe(false);
    sut.subscribe('things', () => undefined);
    await expect(sut.run((redis) => redis.get('k'))).rejects.toBeInstanceOf(RedisUnavailableError);
    await sut.onApplicationShutdown();
  });
});
