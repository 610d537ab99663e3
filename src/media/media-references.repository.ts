import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql';
import { mediaKeyOfUrl } from './media-key';

/** The kinds of rows that refer to media. */
export type MediaHolderType = 'user' | 'goods';

/** One row that refers to media: a user (its avatar), a goods (its cover and gallery). */
export interface MediaHolder {
  type: MediaHolderType;
  id: string;
}

/**
 * The seam through which other modules tell the media module what they refer to. Media
 * never reads the users or goods tables: a holder's repository calls `replace` with every
 * URL the holder now refers to, inside the same transaction as the write that changed
 * them, so the references can never disagree with the holder's row. After that
 * transaction commits, the holder's service passes the released ids to
 * `MediaService.free()`, which deletes those nothing else refers to.
 */
@Injectable()
export class MediaReferencesRepository {
  /**
   * Makes the holder refer to exactly the media among `urls` (URLs that are not ours —
   * a WeChat avatar, another site — and nulls are ignored). Returns the ids of media the
   * holder referred to before and no longer does; they are queued for freeing in this
   * same transaction, so a crash before `free()` only delays it to the next sweep.
   *
   * Call it with the holder's row already written (and so locked) in `tx`: concurrent
   * saves of one holder then apply one after the other.
   */
  async replace(tx: EntityManager, holder: MediaHolder, urls: ReadonlyArray<string | null | undefined>): Promise<string[]> {
    const keys = [...new Set(urls.map((url) => (url ? mediaKeyOfUrl(url) : null)).filter((key): key is string => key !== null))];
    // The wanted media are locked first: one being freed at this moment is either seen
    // deleted (and skipped: the holder keeps a URL to nothing, as with any dead link) or
    // waits for this transaction and then finds the new reference.
    const rows = await queryRows<{ media_id: string }>(
      tx,
      `WITH wanted AS (
         SELECT id FROM media WHERE storage_key = ANY($3::text[]) FOR NO KEY UPDATE
       ), marked AS (
         UPDATE media SET referenced = true WHERE id IN (SELECT id FROM wanted) AND NOT referenced
       ), added AS (
         INSERT INTO media_references (media_id, holder_type, holder_id)
         SELECT id, $1::varchar, $2::uuid FROM wanted
         ON CONFLICT DO NOTHING
       ), dropped AS (
         DELETE FROM media_references
          WHERE holder_type = $1::varchar AND holder_id = $2::uuid AND media_id NOT IN (SELECT id FROM wanted)
         RETURNING media_id
       ), queued AS (
         INSERT INTO media_releases (media_id, released_at)
         SELECT media_id, now() FROM dropped
         ON CONFLICT DO NOTHING
       )
       SELECT media_id FROM dropped`,
      [holder.type, holder.id, keys],
    );
    return rows.map((r) => r.media_id);
  }
}
