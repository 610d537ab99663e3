import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/**
 * GCM's full tag. Without `authTagLength`, Node's decipher accepts any tag from 4 bytes
 * up, and a truncated tag is far easier to forge (NIST SP 800-38D, appendix C).
 */
const TAG_BYTES = 16;

/**
 * AES-256-GCM for small secrets at rest (the WeChat session_key). The stored form is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url: authenticated, so a tampered value fails to open.
 */
export class SecretBox {
  private readonly keys: Buffer[];

  /** Seals with `key`; opens with it or any of `previousKeys` (DATA_ENCRYPTION_PREVIOUS_KEYS, during a rotation). */
  constructor(
    private readonly key: Buffer,
    previousKeys: readonly Buffer[] = [],
  ) {
    if ([key, ...previousKeys].some((k) => k.length !== 32)) throw new Error('SecretBox needs 32-byte keys');
    this.keys = [key, ...previousKeys];
  }

  seal(plaintext: string, associatedData = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** Returns null when the value is malformed, was sealed with none of the keys, or was tampered with. */
  open(sealed: string, associatedData = ''): string | null {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return null;
    const [, iv, tag, ciphertext] = parts.map((p) => Buffer.from(p, 'base64url'));
    if (tag.length !== TAG_BYTES) return null;
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(associatedData, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        // Not this key (or tampered): GCM's tag says so. Try the next one.
      }
    }
    return null;
  }
}
