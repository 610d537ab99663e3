import { Inject, Logger, Module, OnApplicationBootstrap, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ImageProcessor } from './image-processor';
import { MediaFilesController } from './media-files.controller';
import { MediaFilesService } from './media-files.service';
import { MediaReferencesRepository } from './media-references.repository';
import { MediaSweeper } from './media-sweeper';
import { MediaController } from './media.controller';
import { MediaRepository } from './media.repository';
import { MediaService } from './media.service';
import { LocalMediaStorage } from './storage/local-media-storage';
import { MEDIA_STORAGE, MediaStorage } from './storage/media-storage';

/**
 * The S3 driver is loaded only where it is used: @aws-sdk/client-s3 and its @smithy/@aws-sdk
 * dependencies are ~20 MB of resident memory that a server on the local driver never needs.
 */
const storageProvider: Provider = {
  provide: MEDIA_STORAGE,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig): Promise<MediaStorage> => {
    if (config.media.storage.driver !== 's3') return new LocalMediaStorage(config.media.storage.localDir);
    const { S3MediaStorage } = await import('./storage/s3-media-storage.js');
    return new S3MediaStorage(config.media.storage.s3);
  },
};

/**
 * Uploaded images: `POST /api/media`, `GET /media/{key}`, the two storage drivers and the
 * sweep. Other modules use MediaService (store an upload, free released media, erase a
 * user's uploads) and MediaReferencesRepository (say what they refer to), and mark their
 * own upload routes with `@ImageUploadRoute()`.
 */
@Module({
  controllers: [MediaController, MediaFilesController],
  providers: [
    MediaRepository,
    MediaReferencesRepository,
    MediaService,
    MediaFilesService,
    MediaSweeper,
    ImageProcessor,
    storageProvider,
  ],
  exports: [MediaService, MediaReferencesRepository],
})
export class MediaModule implements OnApplicationBootstrap {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    const { storage, publicBaseUrl } = this.config.media;
    if (storage.driver === 'local' && !publicBaseUrl && this.config.env === 'production') {
      new Logger('Media').warn('MEDIA_PUBLIC_BASE_URL is unset: media URLs are built from the Host of each upload request; set it to the public https URL of /media/');
    }
  }
}
