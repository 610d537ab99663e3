import { DataSource, EntityManager, ObjectLiteral, Repository } from 'typeorm';
import { statement, StatementText } from './prepared-statements';

/**
 * Runs raw SQL and returns its rows, whatever the statement. TypeORM's `query()` answers
 * `[rows, rowCount]` for UPDATE/DELETE … RETURNING but plain rows for SELECT/INSERT; the
 * structured result is the same for all. Inside a transaction pass its EntityManager.
 */
export async function queryRows<T = Record<string, unknown>>(on: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const existing = on instanceof EntityManager ? on.queryRunner : undefined;
  const dataSource = on instanceof EntityManager ? on.connection : on;
  const runner = existing ?? dataSource.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return (result.records ?? []) as T[];
  } finally {
    if (!existing) await runner.release();
  }
}

/** Makes `%`, `_` and the escape character itself literal in a LIKE/ILIKE pattern (default escape `\`). */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `RETURNING`/`SELECT` list of every column of an entity, aliased to its property names, so a
 * raw statement's row can be turned into the entity by `hydrateRow` without a second query.
 */
export function entityColumns(repo: Repository<ObjectLiteral>, alias?: string): string {
  // Built once per entity and alias: a login's statement needs it every time.
  let byAlias = columnLists.get(repo.metadata);
  if (!byAlias) columnLists.set(repo.metadata, (byAlias = new Map()));
  let list = byAlias.get(alias ?? '');
  if (list === undefined) {
    const prefix = alias ? `${alias}.` : '';
    list = repo.metadata.columns.map((c) => `${prefix}${c.databaseName} AS "${c.propertyName}"`).join(', ');
    byAlias.set(alias ?? '', list);
  }
  return list;
}

const columnLists = new WeakMap<object, Map<string, string>>();

/** The entity of a raw row selected with `entityColumns`, values converted as TypeORM would (dates, numbers). */
export function hydrateRow<T extends ObjectLiteral>(repo: Repository<T>, row: Record<string, unknown>): T {
  const driver = repo.manager.connection.driver;
  const entity = repo.create();
  for (const column of repo.metadata.columns) {
    const value = row[column.propertyName];
    column.setEntityValue(entity, value === null || value === undefined ? value : driver.prepareHydratedValue(value, column));
  }
  return entity;
}

/**
 * A single statement straight on the pool TypeORM opened (node-postgres), for the hot paths
 * (the token check, a product by id, login): no query runner to create and release around it,
 * which costs more than the query itself on a cached page. Same pool, same connections.
 * `prepare`: run it as a named statement (prepared-statements.ts says which may be).
 */
export async function poolRows<T = Record<string, unknown>>(dataSource: DataSource, sql: string, params: unknown[] = [], prepare = false): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master: { query(config: StatementText): Promise<{ rows: T[] }> } }).master;
  return (await pool.query(statement(sql, params, prepare))).rows;
}
