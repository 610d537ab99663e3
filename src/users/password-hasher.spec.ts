import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, PasswordHasher, passwordHasherProvider } from './password-hasher';

describe(PasswordHasher.name, () => {
  // Cheap parameters: these tests are about the format and the comparison, not the cost.
  const sut = new PasswordHasher({ logN: 10, r: 8, p: 1 });

  it('should verify the password it hashed', async () => {
    const hash = await sut.hash('correct horse battery');
    await expect(sut.verify('correct horse battery', hash)).resolves.toBe(true);
  });

  it('should refuse a wrong password', async () => {
    const hash = await sut.hash('correct horse battery');
    await expect(sut.verify('correct horse batterY', hash)).resolves.toBe(false);
  });

  it('should store the parameters and a random salt, never the password', async () => {
    const a = await sut.hash('s3cret-pass');
    const b = await sut.hash('s3cret-pass');
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
  });

  it('should verify with the parameters stored in the hash, not its own', async () => {
    const stronger = new PasswordHasher({ logN: 11, r: 8, p: 1 });
    const hash = await stronger.hash('pass-word-1');
    await expect(sut.verify('pass-word-1', hash)).resolves.toBe(true);
  });

  it('should treat equivalent Unicode spellings as the same password', async () => {
    const hash = await sut.hash('caf\u00e9-pass');
    await expect(sut.verify('cafe\u0301-pass', hash)).resolves.toBe(true);
  });

  it('should refuse malformed and tampered hashes without throwing', async () => {
    const hash = await sut.hash('pass-word-1');
    await expect(sut.verify('pass-word-1', 'plain-text')).resolves.toBe(false);
    await expect(sut.verify('pass-word-1', hash.replace('ln=10', 'ln=30'))).resolves.toBe(false);
    const [, , params, salt, key] = hash.split('$');
    const flipped = (key[0] === 'A' ? 'B' : 'A') + key.slice(1);
    await expect(sut.verify('pass-word-1', `$scrypt$${params}$${salt}$${flipped}`)).resolves.toBe(false);
  });

  it('should make a dummy hash that no password matches', async () => {
    const dummy = await sut.dummyHash();
    await expect(sut.dummyHash()).resolves.toBe(dummy);
    await expect(sut.verify('', dummy)).resolves.toBe(false);
    await expect(sut.verify('pass-word-1', dummy)).resolves.toBe(false);
  });

  it('should have the dummy hash ready when created, so the first unknown-user check hashes nothing more', async () => {
    const ready = await PasswordHasher.create({ logN: 10, r: 8, p: 1 });
    const hash = vi.spyOn(ready, 'hash');
    await expect(ready.verify('guess', await ready.dummyHash())).resolves.toBe(false);
    expect(hash).not.toHaveBeenCalled();
  });

  it('should compute the dummy hash lazily only when built without create()', async () => {
    const lazy = new PasswordHasher({ logN: 10, r: 8, p: 1 });
    const hash = vi.spyOn(lazy, 'hash');
    const first = await lazy.dummyHash();
    expect(hash).toHaveBeenCalledTimes(1);
    await expect(lazy.dummyHash()).resolves.toBe(first);
    expect(hash).toHaveBeenCalledTimes(1);
  });

  it('should give the app a hasher with the default parameters and its dummy hash ready', async () => {
    const appHasher = await passwordHasherProvider.useFactory();
    expect(appHasher).toBeInstanceOf(PasswordHasher);
    const hash = vi.spyOn(appHasher, 'hash');
    const { logN, r, p } = DEFAULT_SCRYPT_PARAMS;
    expect(await appHasher.dummyHash()).toMatch(new RegExp(`^\\$scrypt\\$ln=${logN},r=${r},p=${p}\\$`));
    expect(hash).not.toHaveBeenCalled();
  });
});
