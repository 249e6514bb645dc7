/**
 * What a matrix cell opens: which cell the URL hash names (`#runs=<pattern>/<variant>/<anomaly>`,
 * or `unsettled` for the runs that did not settle) and the runs behind it.
 */
import { casesShowing } from '../../machines/compare/matrix';
import type { ExploredCase, ShownAnomaly } from '../../machines/compare/types';
import { ANOMALY_IDS, type AnomalyId, type PatternId } from '../../machines/kernel/vocabulary';

export type CellColumn = AnomalyId | 'unsettled';
export type Setting = 'off' | 'on';

export interface CellTarget {
  pattern: PatternId;
  variant: string;
  column: CellColumn;
}

const HASH_PREFIX = '#runs=';

export function cellHash(target: CellTarget): string {
  return `${HASH_PREFIX}${target.pattern}/${target.variant}/${target.column}`;
}

/** The cell a hash names, if it names a row that exists; anything else opens nothing. */
export function parseCellHash(hash: string, rows: readonly { pattern: PatternId; variant: string }[]): CellTarget | null {
  if (!hash.startsWith(HASH_PREFIX)) return null;
  const [pattern, variant, column, ...rest] = decodeURIComponent(hash.slice(HASH_PREFIX.length)).split('/');
  if (rest.length > 0 || !pattern || !variant || !column) return null;
  if (column !== 'unsettled' && !(ANOMALY_IDS as readonly string[]).includes(column)) return null;
  const row = rows.find((r) => r.pattern === pattern && r.variant === variant);
  return row ? { pattern: row.pattern, variant: row.variant, column: column as CellColumn } : null;
}

/** One run of a cell: the settings it showed the anomaly (or failed to settle) under, and what it showed. */
export interface CellRun {
  case: ExploredCase;
  settings: Setting[];
  /** The anomaly as each setting showed it; several only when they differ. Empty for unsettled runs. */
  shown: ShownAnomaly[];
}

export function cellRuns(cases: readonly ExploredCase[], column: CellColumn): CellRun[] {
  const showing = (setting: Setting): ReadonlySet<ExploredCase> =>
    new Set(column === 'unsettled' ? cases.filter((c) => !c[setting].settled) : casesShowing(cases, column, setting));
  const off = showing('off');
  const on = showing('on');
  return cases
    .filter((c) => off.has(c) || on.has(c))
    .map((c) => {
      const settings = (['off', 'on'] as const).filter((s) => (s === 'off' ? off : on).has(c));
      const shown: ShownAnomaly[] = [];
      if (column !== 'unsettled') {
        for (const s of settings) {
          const anomaly = c[s].anomalies.find((a) => a.id === column);
          if (anomaly && !shown.some((a) => a.subject === anomaly.subject && a.why === anomaly.why)) shown.push(anomaly);
        }
      }
      return { case: c, settings, shown };
    });
}
