import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ImageContentType } from '../media-key';

export const MEDIA_PURPOSES = ['avatar', 'goods'] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];

/**
 * One stored image. The file's name in the store is `storageKey`; `ownerId` is the user who
 * uploaded it (set to null when that account is erased). Created by the media migration;
 * constraints and indexes are declared here by name for migration:generate.
 */
@Entity({ name: 'media' })
@Unique('media_storage_key_key', ['storageKey'])
@Check('media_purpose_check', `purpose IN ('avatar', 'goods')`)
@Check('media_content_type_check', `content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/gif')`)
@Check('media_size_check', 'bytes > 0 AND width > 0 AND height > 0')
@Index('media_owner_id_idx', ['ownerId'])
@Index('media_unreferenced_created_at_idx', { synchronize: false })
export class MediaEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  @Column({ type: 'varchar', length: 16 })
  purpose: MediaPurpose;

  @Column({ name: 'storage_key', type: 'varchar', length: 64 })
  storageKey: string;

  @Column({ name: 'content_type', type: 'varchar', length: 32 })
  contentType: ImageContentType;

  @Column({ type: 'integer' })
  bytes: number;

  @Column({ type: 'integer' })
  width: number;

  @Column({ type: 'integer' })
  height: number;

  /** Turns true the first time anything refers to this media, and stays true. */
  @Column({ type: 'boolean', default: false })
  referenced: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
