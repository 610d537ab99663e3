/** Makes `%`, `_` and the escape character itself literal in a LIKE/ILIKE pattern (default escape `\`). */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
