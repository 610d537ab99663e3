import type { FactoryProvider } from '@nestjs/common';
import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

/**
 * OWASP's scrypt recommendation (N = 2^17, r = 8, p = 1) costs 128 MiB a hash; N = 2^15
 * (32 MiB, ~60 ms here) keeps a burst of logins from exhausting memory while staying
 * memory-hard. The parameters are stored with each hash, so they can be raised later.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { logN: 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Hashes written with parameters above these are refused rather than computed (a tampered row must not exhaust memory). */
const MAX_LOG_N = 20;
const MAX_R = 32;
const MAX_P = 4;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/**
 * Password hashes with node:crypto's scrypt, stored as
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64url), compared in constant time.
 */
export class PasswordHasher {
  private dummy: Promise<string> | null = null;

  constructor(private readonly params: ScryptParams = DEFAULT_SCRYPT_PARAMS) {}

  /**
   * A hasher whose dummy hash is already computed, so the very first unknown-username login
   * does one scrypt, like a wrong password, not two. The app's provider is built with this.
   */
  static async create(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<PasswordHasher> {
    const hasher = new PasswordHasher(params);
    await hasher.dummyHash();
    return hasher;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, this.params, KEY_LENGTH);
    const { logN, r, p } = this.params;
    return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** False for a wrong password and for a stored value that is not one of our hashes. */
  async verify(password: string, stored: string): Promise<boolean> {
    const match = FORMAT.exec(stored);
    if (!match) return false;
    const params: ScryptParams = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
    if (params.logN < 1 || params.logN > MAX_LOG_N || params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) return false;
    const salt = Buffer.from(match[4], 'base64url');
    const expected = Buffer.from(match[5], 'base64url');
    if (expected.length < 16) return false;
    const actual = await derive(password, salt, params, expected.length);
    return timingSafeEqual(actual, expected);
  }

  /**
   * A hash of nothing anyone knows, with this hasher's parameters: verifying against it
   * when a username is unknown costs the same as a real check, so timing does not tell
   * an unknown user from a wrong password.
   */
  dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(32).toString('base64url'));
    return this.dummy;
  }
}

/**
 * The app's hasher, built with its dummy hash ready (Nest awaits the factory before the app
 * listens): unknown usernames and wrong passwords cost one scrypt each from the first login.
 */
export const passwordHasherProvider: FactoryProvider<PasswordHasher> = {
  provide: PasswordHasher,
  useFactory: () => PasswordHasher.create(),
};

function derive(password: string, salt: Buffer, { logN, r, p }: ScryptParams, keyLength: number): Promise<Buffer> {
  const N = 2 ** logN;
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p + 32 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
