import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { MediaEntity } from './media.entity';

/** A media that lost a reference: freed (file and row) once nothing refers to it. */
@Entity({ name: 'media_releases' })
export class MediaReleaseEntity {
  @PrimaryColumn({ name: 'media_id', type: 'uuid' })
  @ForeignKey(() => MediaEntity, { name: 'media_releases_media_id_fkey', onDelete: 'CASCADE' })
  mediaId: string;

  @Column({ name: 'released_at', type: 'timestamptz' })
  releasedAt: Date;
}
