import { DataSource, EntityManager } from 'typeorm';

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
