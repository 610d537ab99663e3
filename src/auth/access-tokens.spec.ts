import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccessTokens, kidOf } from './access-tokens';

const OLD = 'old-secret-old-secret-old-secret-0001';
const NEW = 'new-secret-new-secret-new-secret-0002';
const SUBJECT = { sub: '0b8f5a8e-8d3c-4c54-9a43-6f1f3a3f2b10', sid: '5f0c2d8e-1b7a-4f51-8d2e-3f9a6c1b2d40' };
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const part = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString('utf8'));

function handMade(secret: string, header: object, payload: object, algorithm = 'sha256'): string {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  return `${unsigned}.${createHmac(algorithm, secret).update(unsigned).digest('base64url')}`;
}

const tokens = (secret = NEW, previous: string[] = [], verifyExpiration = true) => new AccessTokens(secret, previous, { ttlSeconds: 900, verifyExpiration });

describe(AccessTokens.name, () => {
  it('should sign HS256 with the current kid, sub, sid, iat and exp = iat + ttl, and verify what it signs', () => {
    const sut = tokens();
    const token = sut.sign(SUBJECT);
    expect(part(token, 0)).toEqual({ alg: 'HS256', typ: 'JWT', kid: kidOf(NEW) });
    const claims = part(token, 1);
    expect(claims).toEqual({ ...SUBJECT, iat: expect.any(Number), exp: claims.iat + 900 });
    expect(Math.abs(claims.iat - now())).toBeLessThanOrEqual(1);
    expect(sut.verify(token)).toEqual({ ok: true, claims });
  });

  it('should verify a token of a previous secret by its kid, and one without a kid with the current key', () => {
    const before = tokens(OLD).sign(SUBJECT);
    const sut = tokens(NEW, [OLD]);
    expect(sut.verify(before)).toMatchObject({ ok: true, claims: SUBJECT });
    expect(sut.verify(handMade(NEW, { alg: 'HS256', typ: 'JWT' }, { ...SUBJECT, exp: now() + 60 }))).toMatchObject({ ok: true });
    // Without the rotation the old token is refused.
    expect(tokens(NEW).verify(before)).toEqual({ ok: false, expired: false });
  });

  it('should refuse a wrong signature, another algorithm, `none`, an unknown kid and garbage, as invalid', () => {
    const sut = tokens(NEW, [OLD]);
    const payload = { ...SUBJECT, exp: now() + 60 };
    const refused = [
      handMade('another-secret-another-secret-0003', { alg: 'HS256', typ: 'JWT' }, payload),
      handMade(NEW, { alg: 'HS512', typ: 'JWT' }, payload, 'sha512'),
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
      handMade(NEW, { alg: 'HS256', typ: 'JWT', kid: 'unknown-kid' }, payload),
      handMade(NEW, { alg: 'HS256', typ: 'JWT', kid: 7 }, payload),
      `${Buffer.from('[1]').toString('base64url')}.e30.sig`,
      'not-a-jwt',
      '',
    ];
    for (const token of refused) expect([token, sut.verify(token)]).toEqual([token, { ok: false, expired: false }]);
    // A tampered payload under a valid signature of another payload.
    const [h, , s] = sut.sign(SUBJECT).split('.');
    expect(sut.verify(`${h}.${b64({ ...SUBJECT, exp: now() + 3600 * 24 * 365 })}.${s}`)).toEqual({ ok: false, expired: false });
  });

  it('should say expired for a well-signed token past its exp, unless expiry is not verified', () => {
    const expired = handMade(NEW, { alg: 'HS256', typ: 'JWT' }, { ...SUBJECT, iat: now() - 7200, exp: now() - 60 });
    expect(tokens().verify(expired)).toEqual({ ok: false, expired: true });
    expect(tokens(NEW, [], false).verify(expired)).toMatchObject({ ok: true, claims: SUBJECT });
  });

  it('should refuse a token whose sub or sid is not a string', () => {
    const sut = tokens();
    expect(sut.verify(handMade(NEW, { alg: 'HS256' }, { sub: 1, sid: SUBJECT.sid, exp: now() + 60 }))).toEqual({ ok: false, expired: false });
    expect(sut.verify(handMade(NEW, { alg: 'HS256' }, { sub: SUBJECT.sub, exp: now() + 60 }))).toEqual({ ok: false, expired: false });
  });

  it('should not reveal the secret in its kid', () => {
    expect(kidOf(NEW)).not.toContain(NEW.slice(0, 8));
    expect(kidOf(NEW)).toHaveLength(16);
  });
});
