/**
 * Whether two comparisons say the same thing: the one `next build` made in Node and one recomputed
 * in the browser. Rows are matched by pattern and variant; each anomaly count, unsettled count and
 * measure that differs is listed, so "they disagree" comes with where.
 */
import { ANOMALY_IDS } from '../kernel/vocabulary';
import type { CompareData, CompareRow } from './types';

export interface Agreement {
  agree: boolean;
  /** Rows compared. */
  rows: number;
  /** One line per difference, like `outbox-polling/default duplicate-effect off: 16 here, 15 there`. */
  differences: string[];
}

const rowKey = (row: CompareRow) => `${row.pattern}/${row.variant}`;

/** Compares the patterns the re-run covered (it may have re-run only some). */
export function compareAgreement(built: CompareData, rerun: CompareData): Agreement {
  const differences: string[] = [];
  const theirs = new Map(rerun.rows.map((row) => [rowKey(row), row]));
  const rerunPatterns = new Set<string>(rerun.rows.map((row) => row.pattern));
  const compared = built.rows.filter((row) => rerunPatterns.has(row.pattern));
  for (const row of compared) {
    const key = rowKey(row);
    const other = theirs.get(key);
    theirs.delete(key);
    if (!other) {
      differences.push(`${key}: missing from the re-run`);
      continue;
    }
    const differ = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${key} ${what}: ${JSON.stringify(a)} built, ${JSON.stringify(b)} re-run`);
    };
    differ('runs', row.runs, other.runs);
    for (const id of ANOMALY_IDS) for (const s of ['off', 'on'] as const) differ(`${id} ${s}`, row.anomalies[id][s], other.anomalies[id][s]);
    differ('unsettled', row.unsettled, other.unsettled);
    differ('commit-to-effect', row.measures.commitToEffectMs, other.measures.commitToEffectMs);
    differ('statements per order', row.measures.statementsPerOrder, other.measures.statementsPerOrder);
    differ('round trips per order', row.measures.roundTripsPerOrder, other.measures.roundTripsPerOrder);
    differ('growing tables', row.measures.growingTables.map((t) => [t.table, t.rowsShort, t.rowsLong]), other.measures.growingTables.map((t) => [t.table, t.rowsShort, t.rowsLong]));
  }
  for (const key of theirs.keys()) differences.push(`${key}: only in the re-run`);
  for (const claim of built.claims) {
    const other = rerun.claims.find((c) => c.id === claim.id);
    if (other && other.verdict.holds !== claim.verdict.holds) differences.push(`claim ${claim.id}: ${claim.verdict.holds ? 'holds' : 'refuted'} built, ${other.verdict.holds ? 'holds' : 'refuted'} re-run`);
  }
  return { agree: differences.length === 0, rows: compared.length, differences };
}
