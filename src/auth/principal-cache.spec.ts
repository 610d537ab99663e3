import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../test/support/adjustable-clock';
import { PRINCIPAL_TTL_MS, PrincipalCache } from './principal-cache';

describe(PrincipalCache.name, () => {
  const principal = { userId: 'u1', role: 'user' as const, active: true };

  it('should keep an entry for less than five seconds', () => {
    const clock = new AdjustableClock();
    clock.hold();
    const sut = new PrincipalCache(clock);
    sut.set('s1', principal);
    expect(PRINCIPAL_TTL_MS).toBeLessThan(5000);
    clock.advance(PRINCIPAL_TTL_MS - 50);
    expect(sut.get('s1')).toEqual(principal);
    clock.advance(50);
    expect(sut.get('s1')).toBeUndefined();
  });

  it('should forget a session and every session of a user', () => {
    const sut = new PrincipalCache(new AdjustableClock());
    sut.set('s1', principal);
    sut.set('s2', principal);
    sut.set('s3', { ...principal, userId: 'u2' });
    sut.forgetSession('s1');
    expect(sut.get('s1')).toBeUndefined();
    sut.forgetUser('u1');
    expect(sut.get('s2')).toBeUndefined();
    expect(sut.get('s3')).toBeDefined();
  });

  it('should not keep an answer looked up before a forget that came while the lookup ran', () => {
    const sut = new PrincipalCache(new AdjustableClock());
    const lookedUpAt = sut.generation;
    sut.forgetUser('u9');
    sut.set('s1', principal, lookedUpAt);
    expect(sut.get('s1')).toBeUndefined();
    sut.set('s1', principal, sut.generation);
    expect(sut.get('s1')).toEqual(principal);
  });
});
