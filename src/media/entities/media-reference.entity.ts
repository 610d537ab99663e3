import { Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { MediaEntity } from './media.entity';

/** Who refers to a media: `holderType` names the holder's kind (`user`, `goods`), `holderId` its row. */
@Entity({ name: 'media_references' })
@Index('media_references_holder_idx', ['holderType', 'holderId'])
export class MediaReferenceEntity {
  @PrimaryColumn({ name: 'media_id', type: 'uuid' })
  @ForeignKey(() => MediaEntity, { name: 'media_references_media_id_fkey' })
  mediaId: string;

  @PrimaryColumn({ name: 'holder_type', type: 'varchar', length: 16 })
  holderType: string;

  @PrimaryColumn({ name: 'holder_id', type: 'uuid' })
  holderId: string;
}
