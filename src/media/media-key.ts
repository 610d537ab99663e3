import { randomBytes } from 'node:crypto';

/** The image types we accept, store and serve. */
export const IMAGE_TYPES = {
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
  png: { contentType: 'image/png', extension: 'png' },
  webp: { contentType: 'image/webp', extension: 'webp' },
  gif: { contentType: 'image/gif', extension: 'gif' },
} as const;

export type ImageFormat = keyof typeof IMAGE_TYPES;
export type ImageContentType = (typeof IMAGE_TYPES)[ImageFormat]['contentType'];

/**
 * A stored file's name: 128 random bits in hex and the extension of the type its bytes
 * were sniffed as (then re-encoded as). Nothing the client sent (its file name, its
 * Content-Type) ever reaches a key, so a key is also a safe path segment and object key.
 */
const KEY = /^([0-9a-f]{32})\.(jpg|png|webp|gif)$/;

const BY_EXTENSION = new Map<string, ImageContentType>(Object.values(IMAGE_TYPES).map((t) => [t.extension, t.contentType]));

export function newMediaKey(format: ImageFormat): string {
  return `${randomBytes(16).toString('hex')}.${IMAGE_TYPES[format].extension}`;
}

export function isMediaKey(value: string): boolean {
  return KEY.test(value);
}

/** The Content-Type of a stored key (its extension was chosen from the sniffed bytes), or null for anything that is not a key. */
export function contentTypeOfKey(key: string): ImageContentType | null {
  const match = KEY.exec(key);
  return match ? BY_EXTENSION.get(match[2])! : null;
}

/**
 * The media key a URL names, or null. Only the last path segment counts, so a URL stays
 * recognised after MEDIA_PUBLIC_BASE_URL moves to another CDN or domain; a random
 * 128-bit key cannot name another file by accident.
 */
export function mediaKeyOfUrl(url: string): string | null {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return isMediaKey(last) ? last : null;
}

/** A strong ETag for a key: the bytes under a key never change. */
export function etagOfKey(key: string): string {
  return `"${KEY.exec(key)![1]}"`;
}

/**
 * Whether an If-None-Match header matches an ETag (RFC 9110 §13.1.2: weak comparison,
 * a list of tags, or `*`).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
