import { createHash } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import type { AppConfig } from '../config/app-config';

/** What an access token says: its user, its session, when it was issued and when it expires (seconds). */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  iat: number;
  exp: number;
}

/** A token's signature and expiry checked: its claims, or why it is refused. */
export type VerifiedAccessToken = { ok: true; claims: AccessTokenClaims } | { ok: false; expired: boolean };

/**
 * The access tokens: HS256 JWTs, signed with JWT_SECRET (its `kid` in every header) and
 * verified with JWT_SECRET or one of JWT_PREVIOUS_SECRETS, so rotating the secret logs
 * nobody out. A token without a `kid` (issued before kids existed) is tried with the current
 * key; an unknown `kid` is refused. `alg` is pinned to HS256 whatever the header says.
 *
 * fast-jwt, made once per key: verifying costs a few microseconds, where jsonwebtoken under
 * passport-jwt spent more than a tenth of a guarded request's CPU (docs/performance.md).
 * Expiry is checked against the system clock, as a client's copy of `exp` is.
 */
export class AccessTokens {
  /** The current key's id, in the header of every token signed here. */
  readonly kid: string;
  private readonly signer: (payload: { sub: string; sid: string }) => string;
  private readonly verifiers = new Map<string, (token: string) => Record<string, unknown>>();
  private readonly currentVerifier: (token: string) => Record<string, unknown>;

  constructor(secret: string, previousSecrets: readonly string[], options: { ttlSeconds: number; verifyExpiration: boolean }) {
    this.kid = kidOf(secret);
    this.signer = createSigner({ key: secretKey(secret), algorithm: 'HS256', kid: this.kid, expiresIn: options.ttlSeconds * 1000 });
    const verifierOf = (s: string) => createVerifier({ key: secretKey(s), algorithms: ['HS256'], ignoreExpiration: !options.verifyExpiration });
    this.currentVerifier = verifierOf(secret);
    this.verifiers.set(this.kid, this.currentVerifier);
    for (const old of previousSecrets) {
      const kid = kidOf(old);
      if (!this.verifiers.has(kid)) this.verifiers.set(kid, verifierOf(old));
    }
  }

  /** A new access token for a session: `sub`, `sid`, `iat` and `exp`. */
  sign(subject: { sub: string; sid: string }): string {
    return this.signer({ sub: subject.sub, sid: subject.sid });
  }

  verify(token: string): VerifiedAccessToken {
    const verifier = this.verifierFor(token);
    if (!verifier) return { ok: false, expired: false };
    let payload: Record<string, unknown>;
    try {
      payload = verifier(token);
    } catch (err) {
      return { ok: false, expired: err instanceof TokenError && err.code === TokenError.codes.expired };
    }
    const { sub, sid, iat, exp } = payload;
    if (typeof sub !== 'string' || typeof sid !== 'string') return { ok: false, expired: false };
    return { ok: true, claims: { sub, sid, iat: typeof iat === 'number' ? iat : 0, exp: typeof exp === 'number' ? exp : 0 } };
  }

  /** The verifier of the key the token's header names by `kid`; none for an unknown `kid` or a header that is not a JSON object. */
  private verifierFor(token: string): ((token: string) => Record<string, unknown>) | null {
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
    if (kid === undefined) return this.currentVerifier;
    return typeof kid === 'string' ? (this.verifiers.get(kid) ?? null) : null;
  }
}

/** The secret's bytes: handed as a string, fast-jwt would take it as UTF-8 too, but a Buffer says it is raw key material. */
function secretKey(secret: string): Buffer {
  return Buffer.from(secret, 'utf8');
}

/** A key's public id: a truncated hash that names the secret without revealing it. */
export function kidOf(secret: string): string {
  return createHash('sha256').update(`wxmall-api access token key\0${secret}`).digest('base64url').slice(0, 16);
}

/** The app's access tokens, from its configuration. */
export function accessTokensFor(config: AppConfig): AccessTokens {
  return new AccessTokens(config.jwt.secret, config.jwt.previousSecrets, { ttlSeconds: config.jwt.accessTtlSeconds, verifyExpiration: config.jwt.verifyExpiration });
}
