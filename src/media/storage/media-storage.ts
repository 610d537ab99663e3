import type { Readable } from 'node:stream';

/** Injection token of the configured MediaStorage driver. */
export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');

/** What the app serves to the CDN or browser, for a store it proxies. */
export interface StoredFile {
  body: Readable;
  bytes: number;
}

/**
 * Where media bytes live. Keys are validated media keys (see media-key.ts), never
 * anything a client sent.
 */
export interface MediaStorage {
  /** Stores the bytes; a failed put leaves nothing under the key. */
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** Removes the bytes; removing a key that holds nothing is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Opens the bytes for the app to serve them itself, or null: nothing under the key, or a
   * store the app does not proxy (s3: its URLs point at the bucket or a CDN instead).
   */
  open(key: string): Promise<StoredFile | null>;
}

/** Headers a store keeps with each object: the bytes under a key never change. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
