import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { contentTypeOfKey, etagOfKey, ifNoneMatchHits } from './media-key';
import { MediaNotFoundError } from './media.errors';
import { IMMUTABLE_CACHE_CONTROL, MEDIA_STORAGE, MediaStorage } from './storage/media-storage';

/** What `GET /media/{key}` answers. */
export interface MediaFileAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  body?: Readable;
}

/**
 * Headers of a served file. The bytes are ours (re-encoded), but they were a stranger's
 * upload: never let a browser treat them as anything but the image type we wrote, never
 * run anything in them, and let any site embed them (they are public by design).
 */
const FILE_HEADERS = {
  'cache-control': IMMUTABLE_CACHE_CONTROL,
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cross-origin-resource-policy': 'cross-origin',
};

/**
 * Serves stored media for the `local` driver. The database is not asked: the key's
 * extension is the type sniffed from the upload's bytes (and the type it was re-encoded
 * as), and the bytes under a key never change, so the key is its own ETag.
 */
@Injectable()
export class MediaFilesService {
  constructor(@Inject(MEDIA_STORAGE) private readonly storage: MediaStorage) {}

  async open(key: string, ifNoneMatch: string | undefined): Promise<MediaFileAnswer> {
    // `..`, an encoded slash (decoded into the parameter by the router), anything that is not
    // a key: 404 before the store is touched.
    const contentType = contentTypeOfKey(key);
    if (!contentType) throw new MediaNotFoundError();
    const etag = etagOfKey(key);
    const file = await this.storage.open(key);
    if (!file) throw new MediaNotFoundError();
    if (ifNoneMatchHits(ifNoneMatch, etag)) {
      file.body.destroy();
      return { status: 304, headers: { ...FILE_HEADERS, etag } };
    }
    return {
      status: 200,
      headers: { ...FILE_HEADERS, etag, 'content-type': contentType, 'content-length': String(file.bytes) },
      body: file.body,
    };
  }
}
