import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The goods gallery (`images`, beside the cover `image_url`): 0–9 http(s) URLs. A constant
 * default, so adding the column rewrites no rows; the CHECK keeps the cap in the database too.
 */
export class GoodsImages1796187000000 implements MigrationInterface {
  name = 'GoodsImages1796187000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE goods ADD COLUMN images varchar(500)[] NOT NULL DEFAULT '{}', ADD CONSTRAINT goods_images_check CHECK (cardinality(images) <= 9)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE goods DROP CONSTRAINT goods_images_check, DROP COLUMN images`);
  }
}
