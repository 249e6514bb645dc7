/** What the cache-aside tests read at the end of a run (captured with snapshots): a view, and order 1's version in the cache and in Postgres. */
import type { RunResult, TableSnapshot } from '../kernel/types';

/** A table or inspection (the cache, the reader's GETs) as the last snapshot shows it. */
export function lastView(result: RunResult, name: string): TableSnapshot {
  const last = result.snapshots!.at(-1)!;
  return [...last.tables, ...(last.inspections ?? [])].find((t) => t.name === name)!;
}

/** The version the cache holds for order 1 at the end, or null when the key is absent. */
export function cachedVersion(result: RunResult): number | null {
  const entry = lastView(result, 'cache').rows.find((r) => r.key === 'order:1');
  return entry ? (JSON.parse(String(entry.value)) as { version: number }).version : null;
}

/** Order 1's version in Postgres at the end. */
export function postgresVersion(result: RunResult): number {
  return Number(lastView(result, 'service.orders').rows.find((r) => r.id === 1)!.version);
}

/** What each of the story's reader GETs returned, in order. */
export function readerAnswers(result: RunResult): unknown[] {
  return lastView(result, 'reader GETs').rows.map((r) => r.answer);
}
