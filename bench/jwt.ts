/**
 * HS256 JWTs with node:crypto, for the baseline server: what verifying and signing the app's
 * access tokens costs when the secret is a KeyObject made once (RFC 7519 / RFC 7515 §A.1).
 */
import { createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';

/** `{"alg":"HS256","typ":"JWT"}`, the header jsonwebtoken writes. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export interface AccessClaims {
  sub: string;
  sid: string;
  iat: number;
  exp: number;
}

export class Hs256 {
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(claims: object): string {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = createHmac('sha256', this.key).update(`${HEADER}.${payload}`).digest('base64url');
    return `${HEADER}.${payload}.${signature}`;
  }

  /** The claims of a token signed with this key, HS256 only, not expired; else null. */
  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): Partial<AccessClaims> | null {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) return null;
    const header = token.slice(0, first);
    try {
      // Pinned: `none` and asymmetric algorithms are refused whatever the header says.
      if (header !== HEADER && JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg !== 'HS256') return null;
      const expected = createHmac('sha256', this.key).update(token.slice(0, second)).digest();
      const given = Buffer.from(token.slice(second + 1), 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const claims = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
      if (typeof claims !== 'object' || claims === null) return null;
      if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return null;
      if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) return null;
      return claims;
    } catch {
      return null;
    }
  }
}
