import { describe, expect, it } from 'vitest';
import { PRINCIPAL_TTL_MS, PrincipalCache } from './principal-cache';

describe(PrincipalCache.name, () => {
  const principal = { userId: 'u1', role: 'user' as const, active: true };

  it('should keep an entry for less than five seconds', () => {
    const sut = new PrincipalCache();
    sut.set('s1', principal, 1000);
    expect(PRINCIPAL_TTL_MS).toBeLessThan(5000);
    expect(sut.get('s1', 1000 + PRINCIPAL_TTL_MS - 1)).toEqual(principal);
    expect(sut.get('s1', 1000 + PRINCIPAL_TTL_MS)).toBeUndefined();
  });

  it('should forget a session and every session of a user', () => {
    const sut = new PrincipalCache();
    sut.set('s1', principal);
    sut.set('s2', principal);
    sut.set('s3', { ...principal, userId: 'u2' });
    sut.forgetSession('s1');
    expect(sut.get('s1')).toBeUndefined();
    sut.forgetUser('u1');
    expect(sut.get('s2')).toBeUndefined();
    expect(sut.get('s3')).toBeDefined();
  });
});
