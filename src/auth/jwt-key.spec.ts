import { JwtService } from '@nestjs/jwt';
import { describe, expect, it } from 'vitest';
import { JwtKeyRing } from './jwt-key';

const OLD = 'old-secret-old-secret-old-secret-0001';
const NEW = 'new-secret-new-secret-new-secret-0002';

function tokenFrom(ring: JwtKeyRing, kid: string | null = ring.current.kid): string {
  return new JwtService().sign({ sub: 'u' }, { secret: ring.current.key as unknown as string, algorithm: 'HS256', ...(kid ? { keyid: kid } : {}) });
}

describe(JwtKeyRing.name, () => {
  it('should find the key of a token signed before the rotation by its kid', () => {
    const before = new JwtKeyRing(OLD);
    const token = tokenFrom(before);
    const sut = new JwtKeyRing(NEW, [OLD]);
    expect(sut.current.kid).not.toBe(before.current.kid);
    expect(sut.keyFor(token)?.export()).toEqual(before.current.key.export());
    expect(new JwtService().verify(token, { secret: sut.keyFor(token) as unknown as string, algorithms: ['HS256'] })).toMatchObject({ sub: 'u' });
  });

  it('should try the current key for a token without a kid, and have none for an unknown kid or a bad header', () => {
    const sut = new JwtKeyRing(NEW, [OLD]);
    expect(sut.keyFor(tokenFrom(sut, null))).toBe(sut.current.key);
    expect(sut.keyFor(tokenFrom(new JwtKeyRing('another-secret-another-secret-0003')))).toBeNull();
    expect(sut.keyFor('not-a-jwt')).toBeNull();
    expect(sut.keyFor(`${Buffer.from('[1]').toString('base64url')}.e30.sig`)).toBeNull();
  });

  it('should not reveal the secret in its kid', () => {
    expect(new JwtKeyRing(NEW).current.kid).not.toContain(NEW.slice(0, 8));
  });
});
