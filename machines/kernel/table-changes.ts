/**
 * Whether a step can have changed what the tables hold, read off the SQL it sent. A snapshot
 * after a step that only read (or sent nothing) can reuse the tables of the one before: reading
 * every table again after every step is most of what a lab page's run costs.
 */
import type { TraceEntry } from './types';

// Statements that leave every table's rows as they were. COMMIT/ROLLBACK PREPARED finish a
// transaction prepared earlier (its rows appear or vanish), so they count as changes.
const LEAVES_ROWS = /^\s*(select|begin|start\s+transaction|commit(?!\s+prepared)|rollback(?!\s+prepared)|listen|unlisten|show)\b/i;

export function mayChangeTables(entries: readonly TraceEntry[]): boolean {
  return entries.some((entry) => entry.kind === 'sql' && (entry.sql ?? []).some((statement) => !LEAVES_ROWS.test(statement)));
}
