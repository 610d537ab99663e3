import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box';

describe(SecretBox.name, () => {
  const key = randomBytes(32);
  const sut = new SecretBox(key);
  const sessionKey = randomBytes(16).toString('base64');

  it('should open what it sealed', () => {
    expect(sut.open(sut.seal(sessionKey, 'o_1'), 'o_1')).toBe(sessionKey);
  });

  it('should seal the same value differently every time (random iv)', () => {
    expect(sut.seal(sessionKey, 'o_1')).not.toBe(sut.seal(sessionKey, 'o_1'));
  });

  it('should not contain the secret in any readable form', () => {
    const sealed = sut.seal(sessionKey, 'o_1');
    const raw = Buffer.from(sessionKey, 'base64');
    for (const form of [sessionKey, raw.toString('hex'), raw.toString('base64url'), raw.toString('base64').replace(/=+$/, '')]) {
      expect(sealed).not.toContain(form);
    }
    for (const part of sealed.split('.').slice(1)) expect(Buffer.from(part, 'base64url').includes(raw)).toBe(false);
  });

  it('should refuse another associated data (a value moved to another user)', () => {
    expect(sut.open(sut.seal(sessionKey, 'o_1'), 'o_2')).toBeNull();
  });

  it('should refuse another key', () => {
    expect(new SecretBox(randomBytes(32)).open(sut.seal(sessionKey, 'o_1'), 'o_1')).toBeNull();
  });

  it('should refuse a tampered ciphertext, tag or iv', () => {
    const parts = sut.seal(sessionKey, 'o_1').split('.');
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index], 'base64url');
      bytes[0] ^= 0x01;
      const tampered = [...parts];
      tampered[index] = bytes.toString('base64url');
      expect(sut.open(tampered.join('.'), 'o_1')).toBeNull();
    }
  });

  it('should refuse a truncated tag (GCM would accept one as short as 4 bytes)', () => {
    const parts = sut.seal(sessionKey, 'o_1').split('.');
    const tag = Buffer.from(parts[2], 'base64url');
    expect(tag).toHaveLength(16);
    for (const length of [4, 8, 12, 15]) {
      const truncated = [parts[0], parts[1], tag.subarray(0, length).toString('base64url'), parts[3]].join('.');
      expect(sut.open(truncated, 'o_1')).toBeNull();
    }
  });

  it('should refuse malformed values', () => {
    for (const value of ['', 'v1', 'v1.a.b', 'v2.a.b.c', 'v1.....', 'plain-session-key']) expect(sut.open(value, 'o_1')).toBeNull();
  });

  it('should refuse a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});

describe(`${SecretBox.name} during a key rotation`, () => {
  const oldKey = Buffer.alloc(32, 1);
  const newKey = Buffer.alloc(32, 2);

  it('should open what an older key sealed, while sealing only with the current key', () => {
    const sealedBefore = new SecretBox(oldKey).seal('session-key', 'o1');
    const sut = new SecretBox(newKey, [oldKey]);
    expect(sut.open(sealedBefore, 'o1')).toBe('session-key');
    const resealed = sut.seal('session-key', 'o1');
    expect(new SecretBox(newKey).open(resealed, 'o1')).toBe('session-key');
    expect(new SecretBox(oldKey).open(resealed, 'o1')).toBeNull();
  });

  it('should refuse what no key of the ring sealed, or what is bound to another row', () => {
    const sealed = new SecretBox(Buffer.alloc(32, 3)).seal('x', 'o1');
    const sut = new SecretBox(newKey, [oldKey]);
    expect(sut.open(sealed, 'o1')).toBeNull();
    expect(sut.open(new SecretBox(oldKey).seal('x', 'o1'), 'o2')).toBeNull();
  });
});
