import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { S3StorageSettings } from '../../config/media-config';
import { isMediaKey } from '../media-key';
import { IMMUTABLE_CACHE_CONTROL, MediaStorage, StoredFile } from './media-storage';

/**
 * Any S3-compatible store: AWS S3, Tencent COS, MinIO, Garage. The objects are public
 * through MEDIA_PUBLIC_BASE_URL (the bucket's domain or a CDN in front of it); the app
 * writes and deletes them but never proxies their bytes.
 */
export class S3MediaStorage implements MediaStorage, OnApplicationShutdown {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: S3StorageSettings) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // The SDK's default CRC32 checksums (since early 2025) are refused by several
      // S3-compatible stores (older MinIO, COS, Garage); checksum only where S3 requires it.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    });
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    if (!isMediaKey(key)) throw new Error('not a media key');
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: data,
        ContentLength: data.length,
        ContentType: contentType,
        CacheControl: IMMUTABLE_CACHE_CONTROL,
      }),
    );
  }

  async delete(key: string): Promise<void> {
    if (!isMediaKey(key)) throw new Error('not a media key');
    // S3 answers 204 for a key that holds nothing.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async open(): Promise<StoredFile | null> {
    return null;
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
