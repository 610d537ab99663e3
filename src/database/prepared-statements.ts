import { createHash } from 'node:crypto';

/**
 * Named (prepared) statements for the hot reads. PostgreSQL parses and analyses a named
 * statement once per connection, and plans it once when its generic plan costs no more than
 * a custom one (a product by id: the primary key, whatever the id). Goods has 17 indexes, so
 * planning even `WHERE id = $1` weighs every one of them: a product by id costs PostgreSQL
 * about half as much prepared (bench: docs/performance.md).
 *
 * Only statements whose best plan does not depend on their parameters should be prepared: a
 * search's plan depends on its term (PostgreSQL may keep a generic plan that estimates every
 * term alike), so searches and filtered lists stay unnamed.
 */
export interface StatementText {
  text: string;
  values: unknown[];
  /** Set for a prepared statement: one name per distinct text (node-postgres refuses two texts under one name). */
  name?: string;
}

/** Distinct texts prepared per process; past it a statement runs unnamed (no unbounded growth, on either side). */
const MAX_PREPARED = 200;
const names = new Map<string, string>();

/** The statement's name: derived from its text (so every connection and instance agrees), remembered per text. */
export function preparedName(sql: string): string | undefined {
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_PREPARED) {
    name = `wx_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    names.set(sql, name);
  }
  return name;
}

/** node-postgres's query config for `sql`: named when `prepare` (and the cap allows), else unnamed. */
export function statement(sql: string, values: unknown[], prepare: boolean): StatementText {
  const name = prepare ? preparedName(sql) : undefined;
  return name ? { name, text: sql, values } : { text: sql, values };
}
