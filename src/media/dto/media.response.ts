import { ApiProperty } from '@nestjs/swagger';
import { MEDIA_PURPOSES, type MediaEntity, type MediaPurpose } from '../entities/media.entity';

/** A stored image, as `POST /api/media` answers it. */
export class MediaResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'https://cdn.example.com/media/0f3c…9a.jpg', description: 'Public URL of the re-encoded image; put it in avatarUrl, imageUrl or images' })
  url: string;

  @ApiProperty({ enum: MEDIA_PURPOSES })
  purpose: MediaPurpose;

  @ApiProperty({ enum: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], description: 'Read from the bytes, not from the upload’s name or Content-Type' })
  contentType: string;

  @ApiProperty({ example: 640, description: 'Pixels, after orientation and resizing' })
  width: number;

  @ApiProperty({ example: 480 })
  height: number;

  @ApiProperty({ example: 48213, description: 'Size of the stored (re-encoded) file' })
  bytes: number;

  @ApiProperty()
  createdAt: Date;
}

export function toMediaResponse(media: MediaEntity, url: string): MediaResponse {
  return {
    id: media.id,
    url,
    purpose: media.purpose,
    contentType: media.contentType,
    width: media.width,
    height: media.height,
    bytes: media.bytes,
    createdAt: media.createdAt,
  };
}
