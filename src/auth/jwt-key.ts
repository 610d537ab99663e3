import { createSecretKey, KeyObject } from 'node:crypto';

/**
 * The HS256 key as a KeyObject, made once. Handed a string, jsonwebtoken first tries
 * `crypto.createPublicKey()` on it at every sign and verify, which fails and costs about
 * 0.4 ms under OpenSSL 3 — most of a guarded request's CPU. A KeyObject skips that.
 */
export function hs256Key(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}
