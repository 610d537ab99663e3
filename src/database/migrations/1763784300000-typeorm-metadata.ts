import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TypeORM keeps the expressions of generated columns in `typeorm_metadata`; without it
 * `npm run migration:generate` fails on the goods table's generated `name_grams`.
 */
export class TypeormMetadata1763784300000 implements MigrationInterface {
  name = 'TypeormMetadata1763784300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS typeorm_metadata (
        "type" varchar NOT NULL,
        "database" varchar NULL,
        "schema" varchar NULL,
        "table" varchar NULL,
        "name" varchar NULL,
        "value" text NULL
      )`);
    await q.query(
      `INSERT INTO typeorm_metadata ("type", "database", "schema", "table", "name", "value") VALUES ('GENERATED_COLUMN', current_database(), current_schema(), 'goods', 'name_grams', 'goods_name_grams(name)')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM typeorm_metadata WHERE "type" = 'GENERATED_COLUMN' AND "table" = 'goods' AND "name" = 'name_grams'`);
  }
}
