/** Where output goes: results on stdout (so `--json | jq` works), everything else on stderr. */
import type { LabDatabase } from '../../machines/actors/postgres';

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/**
 * Boots Postgres only for commands that need it, after their arguments were checked, so a typo
 * costs milliseconds rather than a multi-second PGlite start.
 */
export async function withDatabase<T>(fn: (db: LabDatabase) => Promise<T>): Promise<T> {
  const { startLabPostgresInNode } = await import('../../machines/runtime/boot-image-node');
  const { pg, db } = await startLabPostgresInNode();
  try {
    return await fn(db);
  } finally {
    await pg.close();
  }
}
