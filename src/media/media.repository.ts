import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';
import type { ImageContentType } from './media-key';
import type { MediaEntity, MediaPurpose } from './entities/media.entity';

export interface NewMedia {
  ownerId: string;
  purpose: MediaPurpose;
  storageKey: string;
  contentType: ImageContentType;
  bytes: number;
  width: number;
  height: number;
  createdAt: Date;
}

/** A media that may be freed: its id and the key of its file. */
export interface FreeableMedia {
  id: string;
  storageKey: string;
}

interface MediaRow {
  id: string;
  owner_id: string | null;
  purpose: MediaPurpose;
  storage_key: string;
  content_type: ImageContentType;
  bytes: number;
  width: number;
  height: number;
  referenced: boolean;
  created_at: Date;
}

const COLUMNS = 'id, owner_id, purpose, storage_key, content_type, bytes, width, height, referenced, created_at';

function toEntity(row: MediaRow): MediaEntity {
  return {
    id: row.id,
    ownerId: row.owner_id,
    purpose: row.purpose,
    storageKey: row.storage_key,
    contentType: row.content_type,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    referenced: row.referenced,
    createdAt: row.created_at,
  };
}

/** The media rows. References are written by MediaReferencesRepository, inside the holders' transactions. */
@Injectable()
export class MediaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(media: NewMedia): Promise<MediaEntity> {
    const [row] = await queryRows<MediaRow>(
      this.dataSource,
      `INSERT INTO media (owner_id, purpose, storage_key, content_type, bytes, width, height, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING ${COLUMNS}`,
      [media.ownerId, media.purpose, media.storageKey, media.contentType, media.bytes, media.width, media.height, media.createdAt],
    );
    return toEntity(row);
  }

  /** Takes back a row whose file could not be stored (nothing can refer to it yet: its URL was never given out). */
  async deleteUnstored(id: string): Promise<void> {
    await queryRows(this.dataSource, `DELETE FROM media WHERE id = $1 AND NOT referenced`, [id]);
  }

  /** Uploads nothing ever referred to, made before `cutoff`, oldest first (the partial index media_unreferenced_created_at_idx). */
  async findUnusedBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `SELECT id FROM media WHERE NOT referenced AND created_at < $1 ORDER BY created_at LIMIT $2`,
      [cutoff, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Media that lost a reference and may be free now, longest waiting first. */
  async findReleased(limit: number): Promise<string[]> {
    const rows = await queryRows<{ media_id: string }>(this.dataSource, `SELECT media_id FROM media_releases ORDER BY released_at LIMIT $1`, [limit]);
    return rows.map((r) => r.media_id);
  }

  /** The uploads of a user that nothing refers to (all of them, whatever their age). */
  async findUnreferencedOf(ownerId: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `SELECT id FROM media m WHERE owner_id = $1 AND NOT EXISTS (SELECT 1 FROM media_references r WHERE r.media_id = m.id)`,
      [ownerId],
    );
    return rows.map((r) => r.id);
  }

  /** After an account is erased, its remaining uploads (goods images others use) no longer name it. */
  async forgetOwner(ownerId: string): Promise<void> {
    await queryRows(this.dataSource, `UPDATE media SET owner_id = NULL WHERE owner_id = $1`, [ownerId]);
  }

  /**
   * Deletes those of `ids` that nothing refers to: rows and files, files first.
   *
   * In one transaction: lock the rows (skipping any locked by someone else: a holder's
   * transaction adding a reference, or another sweep), then, in a new statement and so a
   * new snapshot, keep those without references. Any reference committed before the locks
   * is seen; a later one waits for this transaction and then fails its foreign key, so a
   * file that is deleted can never be one a holder just started to use. `removeFiles`
   * deletes the files while the locks are held and says which it removed; only their rows
   * go. A row whose file could not be removed stays (and stays queued) for the next sweep.
   * Returns the ids deleted.
   */
  async deleteUnreferenced(ids: readonly string[], removeFiles: (media: FreeableMedia[]) => Promise<string[]>): Promise<string[]> {
    if (ids.length === 0) return [];
    return this.dataSource.transaction(async (tx) => {
      const locked = await queryRows<{ id: string }>(tx, `SELECT id FROM media WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED`, [ids]);
      if (locked.length === 0) return [];
      const lockedIds = locked.map((r) => r.id);
      const free = await queryRows<{ id: string; storage_key: string }>(
        tx,
        `SELECT id, storage_key FROM media m
          WHERE id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM media_references r WHERE r.media_id = m.id)`,
        [lockedIds],
      );
      const freeIds = new Set(free.map((r) => r.id));
      // Released media that are still referenced (by another holder) are not free: off the queue.
      const stillHeld = lockedIds.filter((id) => !freeIds.has(id));
      if (stillHeld.length > 0) await queryRows(tx, `DELETE FROM media_releases WHERE media_id = ANY($1::uuid[])`, [stillHeld]);
      if (free.length === 0) return [];
      const removed = await removeFiles(free.map((r) => ({ id: r.id, storageKey: r.storage_key })));
      if (removed.length > 0) await queryRows(tx, `DELETE FROM media WHERE id = ANY($1::uuid[])`, [removed]);
      return removed;
    });
  }
}
