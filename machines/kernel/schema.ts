/**
 * A pattern's tables, read from its schema: the tables the live views show and each reset empties
 * are exactly those its CREATE TABLE statements make, in the order they make them, so the list
 * cannot drift from the schema. Lab bookkeeping a pattern keeps out of view is named by it.
 */

const CREATE_TABLE = /\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?("?[a-z_][a-z0-9_]*"?\."?[a-z_][a-z0-9_]*"?)/gi;

export function tablesOf(schema: readonly string[], hidden: readonly string[] = []): string[] {
  const tables: string[] = [];
  for (const statement of schema) {
    for (const match of statement.matchAll(CREATE_TABLE)) {
      const table = match[1]!.replace(/"/g, '');
      if (!hidden.includes(table) && !tables.includes(table)) tables.push(table);
    }
  }
  return tables;
}
