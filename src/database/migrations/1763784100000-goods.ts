import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The goods catalogue, built to stay index-driven at a million rows:
 * - `name_grams`: the lower-cased name's unigrams and bigrams, a generated column under a
 *   GIN index. A search term of n ≥ 2 characters must contain all of its bigrams, one of a
 *   single character its unigram, so `name_grams @> search_grams(term)` narrows through
 *   the index and `lower(name) LIKE '%term%'` rechecks. pg_trgm cannot do this for terms
 *   under three characters, which is most Chinese product words (奶, 苹果).
 * - one btree per ordering, each ending in `id` so ties are broken the same way in the
 *   index as in `ORDER BY` (keyset pagination walks them in both directions);
 * - the default ordering under the two common filters, and the filters for counting;
 * And the Idempotency-Key store of `POST /api/goods`.
 */
export class Goods1763784100000 implements MigrationInterface {
  name = 'Goods1763784100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION goods_name_grams(name text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT g), ARRAY[]::text[])
          FROM (SELECT lower(name) AS s) n,
               LATERAL (
                 SELECT substr(n.s, i, 1) AS g FROM generate_series(1, char_length(n.s)) AS i
                 UNION ALL
                 SELECT substr(n.s, i, 2) FROM generate_series(1, char_length(n.s) - 1) AS i
               ) grams
      $$`);
    await q.query(`
      CREATE FUNCTION goods_search_grams(term text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT CASE WHEN char_length(t.s) <= 1 THEN ARRAY[t.s]
               ELSE (SELECT array_agg(DISTINCT substr(t.s, i, 2)) FROM generate_series(1, char_length(t.s) - 1) AS i)
               END
          FROM (SELECT lower(term) AS s) t
      $$`);
    await q.query(`
      CREATE TABLE goods (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(120) NOT NULL CHECK (char_length(name) >= 1),
        name_grams text[] GENERATED ALWAYS AS (goods_name_grams(name)) STORED,
        description varchar(5000) NULL,
        price numeric(12, 2) NOT NULL CHECK (price >= 0),
        stock integer NOT NULL DEFAULT 0 CHECK (stock >= 0),
        category varchar(50) NULL,
        on_sale boolean NOT NULL DEFAULT true,
        image_url varchar(500) NULL,
        created_by uuid NULL REFERENCES users (id) ON DELETE SET NULL,
        updated_by uuid NULL REFERENCES users (id) ON DELETE SET NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX goods_name_grams_idx ON goods USING gin (name_grams)`);
    await q.query(`CREATE INDEX goods_created_at_idx ON goods (created_at, id)`);
    await q.query(`CREATE INDEX goods_price_idx ON goods (price, id)`);
    await q.query(`CREATE INDEX goods_name_idx ON goods (name, id)`);
    await q.query(`CREATE INDEX goods_stock_idx ON goods (stock, id)`);
    await q.query(`CREATE INDEX goods_category_created_at_idx ON goods (category, created_at, id)`);
    await q.query(`CREATE INDEX goods_on_sale_created_at_idx ON goods (on_sale, created_at, id)`);
    // Counts of the usual filter combination (category, on sale, price range) from the index alone.
    await q.query(`CREATE INDEX goods_category_on_sale_price_idx ON goods (category, on_sale, price)`);
    await q.query(`CREATE INDEX goods_created_by_idx ON goods (created_by)`);
    await q.query(`CREATE INDEX goods_updated_by_idx ON goods (updated_by)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        scope varchar(32) NOT NULL,
        key varchar(255) NOT NULL,
        request_hash bytea NOT NULL,
        resource_id uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE goods`);
    await q.query(`DROP FUNCTION goods_search_grams(text)`);
    await q.query(`DROP FUNCTION goods_name_grams(text)`);
  }
}
