import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../common/auth-user';
import { CLOCK, Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MediaResponse, toMediaResponse } from './dto/media.response';
import { MEDIA_PURPOSES, MediaPurpose } from './entities/media.entity';
import { ImageProcessor } from './image-processor';
import { newMediaKey } from './media-key';
import { FreeableMedia, MediaRepository } from './media.repository';
import { MediaPurposeForbiddenError, MediaPurposeInvalidError, MediaStorageUnavailableError } from './media.errors';
import { MultipartUpload } from './multipart-upload';
import { MEDIA_STORAGE, MediaStorage } from './storage/media-storage';

/** The longest side of a stored image, by purpose. */
export const LONGEST_SIDE: Record<MediaPurpose, number> = { avatar: 640, goods: 2048 };

/** How many files are deleted at once. */
const DELETE_CONCURRENCY = 8;
const FREE_BATCH = 100;

@Injectable()
export class MediaService {
  private readonly logger = new Logger('Media');

  constructor(
    private readonly media: MediaRepository,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly images: ImageProcessor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `POST /api/media`: `file` and `purpose`; goods images are for staff and admins. */
  async create(user: AuthUser, upload: MultipartUpload): Promise<MediaResponse> {
    const { file, fields } = await upload.read({ maxBytes: this.config.media.maxBytes, fields: ['purpose'] });
    const purpose = fields.purpose as MediaPurpose;
    if (!MEDIA_PURPOSES.includes(purpose)) throw new MediaPurposeInvalidError();
    if (purpose === 'goods' && user.role !== 'staff' && user.role !== 'admin') throw new MediaPurposeForbiddenError();
    return this.store(user.id, purpose, file, upload.origin);
  }

  /**
   * Stores the image of an upload route of another module (`POST /api/users/me/avatar`),
   * whose multipart body holds `file` and nothing else. The media is not referenced yet:
   * the caller makes it so (MediaReferencesRepository.replace) or the sweep deletes it
   * 24 h after upload.
   */
  async storeUpload(ownerId: string, purpose: MediaPurpose, upload: MultipartUpload): Promise<MediaResponse> {
    const { file } = await upload.read({ maxBytes: this.config.media.maxBytes, fields: [] });
    return this.store(ownerId, purpose, file, upload.origin);
  }

  /**
   * Decode and re-encode in memory first, so a refused image leaves nothing; then the row,
   * then the file. A crash between the two leaves a row without a file that nothing can
   * refer to (its URL was never given out), which the sweep deletes; the other order could
   * leave a file no row knows of, which nothing would ever delete.
   */
  private async store(ownerId: string, purpose: MediaPurpose, file: Buffer, origin: string): Promise<MediaResponse> {
    const baseUrl = this.baseUrl(origin);
    const image = await this.images.process(file, LONGEST_SIDE[purpose]);
    const key = newMediaKey(image.format);
    const media = await this.media.insert({
      ownerId,
      purpose,
      storageKey: key,
      contentType: image.contentType,
      bytes: image.data.length,
      width: image.width,
      height: image.height,
      createdAt: new Date(this.clock.now()),
    });
    try {
      await this.storage.put(key, image.data, image.contentType);
    } catch (err) {
      this.logger.error(`Storing media ${media.id} failed: ${(err as Error).message}`);
      await this.undoStore(media.id, key);
      throw new MediaStorageUnavailableError();
    }
    return toMediaResponse(media, `${baseUrl}/${key}`);
  }

  /**
   * A put that failed may still have stored the object (an S3 answer lost on the way), so
   * the file is deleted before the row; if that fails too, the row stays, unreferenced, and
   * the sweep deletes both after 24 h.
   */
  private async undoStore(mediaId: string, key: string): Promise<void> {
    try {
      await this.storage.delete(key);
      await this.media.deleteUnstored(mediaId);
    } catch (err) {
      this.logger.warn(`Undoing the upload of media ${mediaId} failed (${(err as Error).message}); the sweep deletes it`);
    }
  }

  /** MEDIA_PUBLIC_BASE_URL, else the app's own /media/ on the origin the upload came to. */
  private baseUrl(origin: string): string {
    return this.config.media.publicBaseUrl ?? `${origin}/media`;
  }

  /**
   * Deletes (file and row) those of these media that nothing refers to any more. Call it
   * after the transaction that released them (MediaReferencesRepository.replace) has
   * committed; media still referenced elsewhere are kept. Returns how many were deleted.
   */
  async free(mediaIds: readonly string[]): Promise<number> {
    const ids = [...new Set(mediaIds)];
    let deleted = 0;
    for (let i = 0; i < ids.length; i += FREE_BATCH) {
      const removed = await this.media.deleteUnreferenced(ids.slice(i, i + FREE_BATCH), (media) => this.deleteFiles(media));
      deleted += removed.length;
    }
    return deleted;
  }

  /**
   * free() for a holder's service, after the transaction that released these media has
   * committed. The holder's change is made by then, so a failure here must not fail its
   * request: the releases stay queued (media_releases) and the next sweep frees them.
   */
  async freeReleased(mediaIds: readonly string[]): Promise<void> {
    if (mediaIds.length === 0) return;
    try {
      await this.free(mediaIds);
    } catch (err) {
      this.logger.warn(`Freeing ${mediaIds.length} released media failed (${(err as Error).message}); the next sweep frees them`);
    }
  }

  /**
   * Account erasure: call after the account's own references were released and its row
   * deleted. Frees every upload of the user that nothing refers to (its avatar, uploads it
   * never used), and unlinks the user from the rest (goods images a staff member uploaded).
   */
  async eraseUploadsOf(userId: string): Promise<void> {
    await this.free(await this.media.findUnreferencedOf(userId));
    await this.media.forgetOwner(userId);
  }

  /** Deletes the files, a few at a time; returns the ids whose file is gone. */
  private async deleteFiles(media: FreeableMedia[]): Promise<string[]> {
    const removed: string[] = [];
    for (let i = 0; i < media.length; i += DELETE_CONCURRENCY) {
      await Promise.all(
        media.slice(i, i + DELETE_CONCURRENCY).map(async (m) => {
          try {
            await this.storage.delete(m.storageKey);
            removed.push(m.id);
          } catch (err) {
            this.logger.warn(`Deleting the file of media ${m.id} failed (${(err as Error).message}); the next sweep retries`);
          }
        }),
      );
    }
    return removed;
  }
}
