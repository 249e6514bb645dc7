/**
 * Statements run with bound parameters; the trace shows them with the values written in, because a
 * learner reads `VALUES (2, 'evt-2')`, not `VALUES ($1, $2)`.
 */

export type SqlValue = string | number | boolean | null;

function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `'${value.replace(/'/g, "''")}'`;
}

export function inlineParams(sql: string, params: readonly SqlValue[] = []): string {
  return sql.replace(/\$(\d+)/g, (whole, n: string) => {
    const index = Number(n) - 1;
    return index < params.length ? literal(params[index] as SqlValue) : whole;
  });
}

/** Collapses the whitespace of a statement written over several lines in the source. */
export function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
