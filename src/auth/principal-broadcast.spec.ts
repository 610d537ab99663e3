import { describe, expect, it, vi } from 'vitest';
import { AdjustableClock } from '../../test/support/adjustable-clock';
import type { RedisConnections } from '../redis/redis-connections';
import { PRINCIPAL_FORGET_CHANNEL, PrincipalBroadcast } from './principal-broadcast';
import { PrincipalCache } from './principal-cache';

const USER = '11111111-1111-4111-8111-111111111111';
const OTHER_USER = '33333333-3333-4333-8333-333333333333';
const SESSION = '22222222-2222-4222-8222-222222222222';
const principal = { userId: USER, role: 'user' as const, active: true };

/** RedisConnections as the broadcast uses it: what it published, and a way to deliver a message. */
function redisStub(enabled = true) {
  let handler: ((message: string) => void) | undefined;
  const stub = {
    enabled,
    instanceId: 'this-instance',
    publish: vi.fn().mockResolvedValue(undefined),
    subscribe: vi.fn((_channel: string, h: (message: string) => void) => void (handler = h)),
    whenAvailable: vi.fn().mockResolvedValue(true),
    deliver: (message: unknown) => handler!(typeof message === 'string' ? message : JSON.stringify(message)),
  };
  return stub;
}

async function setup(enabled = true) {
  const principals = new PrincipalCache(new AdjustableClock());
  const redis = redisStub(enabled);
  const sut = new PrincipalBroadcast(principals, redis as unknown as RedisConnections);
  await sut.onModuleInit();
  principals.set(SESSION, principal);
  principals.set('other-session', { ...principal, userId: OTHER_USER });
  return { principals, redis, sut };
}

describe(PrincipalBroadcast.name, () => {
  it('should forget a session here and publish it for the other instances', async () => {
    const { principals, redis, sut } = await setup();
    sut.forgetSession(SESSION);
    expect(principals.get(SESSION)).toBeUndefined();
    expect(redis.publish).toHaveBeenCalledWith(PRINCIPAL_FORGET_CHANNEL, JSON.stringify({ from: 'this-instance', session: SESSION }));
  });

  it('should forget a user here and publish it for the other instances', async () => {
    const { principals, redis, sut } = await setup();
    sut.forgetUser(USER);
    expect(principals.get(SESSION)).toBeUndefined();
    expect(principals.get('other-session')).toBeDefined();
    expect(redis.publish).toHaveBeenCalledWith(PRINCIPAL_FORGET_CHANNEL, JSON.stringify({ from: 'this-instance', user: USER }));
  });

  it("should forget what another instance published, without publishing it again", async () => {
    const { principals, redis } = await setup();
    expect(redis.subscribe).toHaveBeenCalledWith(PRINCIPAL_FORGET_CHANNEL, expect.any(Function));
    redis.deliver({ from: 'another-instance', session: SESSION });
    expect(principals.get(SESSION)).toBeUndefined();
    redis.deliver({ from: 'another-instance', user: OTHER_USER });
    expect(principals.get('other-session')).toBeUndefined();
    expect(redis.publish).not.toHaveBeenCalled();
  });

  it('should ignore its own messages', async () => {
    const { principals, redis } = await setup();
    redis.deliver({ from: 'this-instance', session: SESSION });
    expect(principals.get(SESSION)).toBeDefined();
  });

  it('should ignore a message that is not JSON or names no session or user', async () => {
    const { principals, redis } = await setup();
    redis.deliver('not json');
    redis.deliver({ from: 'another-instance', session: 'not-a-uuid' });
    redis.deliver({ from: 'another-instance' });
    redis.deliver(null);
    expect(principals.get(SESSION)).toBeDefined();
    expect(principals.get('other-session')).toBeDefined();
  });

  it('should not wait for Redis, nor fail, when the publish fails', async () => {
    const { principals, redis, sut } = await setup();
    redis.publish.mockReturnValue(new Promise(() => undefined)); // never settles
    expect(() => sut.forgetSession(SESSION)).not.toThrow();
    redis.publish.mockRejectedValue(new Error('Redis unavailable'));
    expect(() => sut.forgetUser(OTHER_USER)).not.toThrow();
    expect(principals.get(SESSION)).toBeUndefined();
    expect(principals.get('other-session')).toBeUndefined();
  });

  it('should only forget locally without REDIS_URL', async () => {
    const { principals, redis, sut } = await setup(false);
    sut.forgetSession(SESSION);
    expect(principals.get(SESSION)).toBeUndefined();
    expect(redis.subscribe).not.toHaveBeenCalled();
    expect(redis.publish).not.toHaveBeenCalled();
  });
});
