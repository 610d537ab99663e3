import { createHash, createSecretKey, KeyObject } from 'node:crypto';
import type { AppConfig } from '../config/app-config';

/**
 * The HS256 keys of access tokens: JWT_SECRET signs (its `kid` goes in every token's header),
 * JWT_PREVIOUS_SECRETS still verify, so rotating the secret logs nobody out.
 *
 * Keys are KeyObjects, made once. Handed a string, jsonwebtoken first tries
 * `crypto.createPublicKey()` on it at every sign and verify, which fails and costs about
 * 0.4 ms under OpenSSL 3 — most of a guarded request's CPU. A KeyObject skips that.
 */
export class JwtKeyRing {
  /** The signing key and its id. */
  readonly current: { kid: string; key: KeyObject };
  private readonly byKid = new Map<string, KeyObject>();

  constructor(secret: string, previousSecrets: readonly string[] = []) {
    this.current = { kid: kidOf(secret), key: createSecretKey(Buffer.from(secret, 'utf8')) };
    this.byKid.set(this.current.kid, this.current.key);
    for (const old of previousSecrets) {
      const kid = kidOf(old);
      if (!this.byKid.has(kid)) this.byKid.set(kid, createSecretKey(Buffer.from(old, 'utf8')));
    }
  }

  /**
   * The key that verifies this compact JWT: the one its header's `kid` names. A token without
   * a `kid` (issued before kids existed) is tried with the current key; an unknown `kid`, or
   * a header that is not JSON, has none.
   */
  keyFor(token: string): KeyObject | null {
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    let header: unknown;
    try {
      header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
    const kid = (header as { kid?: unknown }).kid;
    if (kid === undefined) return this.current.key;
    return typeof kid === 'string' ? (this.byKid.get(kid) ?? null) : null;
  }
}

/** A key's public id: a truncated hash that names the secret without revealing it. */
function kidOf(secret: string): string {
  return createHash('sha256').update(`wxmall-api access token key\0${secret}`).digest('base64url').slice(0, 16);
}

const rings = new WeakMap<AppConfig, JwtKeyRing>();

/** One key ring per configuration (the JWT module and the strategy share it). */
export function jwtKeyRing(config: AppConfig): JwtKeyRing {
  let ring = rings.get(config);
  if (!ring) {
    ring = new JwtKeyRing(config.jwt.secret, config.jwt.previousSecrets);
    rings.set(config, ring);
  }
  return ring;
}
