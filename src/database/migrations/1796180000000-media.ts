import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaded images (avatars, goods pictures) and who refers to them.
 * - `media`: one row per stored file. `referenced` turns true the first time anything
 *   refers to the media and never back, so the sweep of uploads nobody used finds them
 *   through a small partial index instead of scanning every avatar ever stored.
 * - `media_references`: who holds each media (a user's avatar, a goods' cover or gallery),
 *   written only through MediaReferencesRepository in the holder's own transaction. The
 *   foreign key (NO ACTION) makes deleting a referenced media fail, and a reference to a
 *   deleted one too: the database, not a check in code, keeps a used image from going.
 * - `media_releases`: media that lost a reference, to free once nothing refers to them;
 *   written in the same transaction as the release, so a crash before the file is deleted
 *   only delays it to the next sweep.
 */
export class Media1796180000000 implements MigrationInterface {
  name = 'Media1796180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE media (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NULL,
        purpose varchar(16) NOT NULL,
        storage_key varchar(64) NOT NULL,
        content_type varchar(32) NOT NULL,
        bytes integer NOT NULL,
        width integer NOT NULL,
        height integer NOT NULL,
        referenced boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT media_storage_key_key UNIQUE (storage_key),
        CONSTRAINT media_purpose_check CHECK (purpose IN ('avatar', 'goods')),
        CONSTRAINT media_content_type_check CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/gif')),
        CONSTRAINT media_size_check CHECK (bytes > 0 AND width > 0 AND height > 0)
      )`);
    await q.query(`CREATE INDEX media_owner_id_idx ON media (owner_id)`);
    await q.query(`CREATE INDEX media_unreferenced_created_at_idx ON media (created_at) WHERE NOT referenced`);
    await q.query(`
      CREATE TABLE media_references (
        media_id uuid NOT NULL,
        holder_type varchar(16) NOT NULL,
        holder_id uuid NOT NULL,
        CONSTRAINT media_references_pkey PRIMARY KEY (media_id, holder_type, holder_id),
        CONSTRAINT media_references_media_id_fkey FOREIGN KEY (media_id) REFERENCES media (id)
      )`);
    await q.query(`CREATE INDEX media_references_holder_idx ON media_references (holder_type, holder_id)`);
    await q.query(`
      CREATE TABLE media_releases (
        media_id uuid PRIMARY KEY,
        released_at timestamptz NOT NULL,
        CONSTRAINT media_releases_media_id_fkey FOREIGN KEY (media_id) REFERENCES media (id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE media_releases`);
    await q.query(`DROP TABLE media_references`);
    await q.query(`DROP TABLE media`);
  }
}
