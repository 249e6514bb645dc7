/** The comparison's rows as the tables lay them out: grouped by pattern, the default variant first. */
import type { CompareRow } from '../../machines/compare/types';
import type { PatternId } from '../../machines/kernel/vocabulary';
import type { RequirementInputs } from './requirements';

/** What the interactive views need of a row; the server page sends only this to the browser. */
export type ExplorerRow = Pick<CompareRow, 'pattern' | 'variant' | 'title' | 'variantLabel' | 'runs' | 'anomalies' | 'unsettled' | 'byFaultKind'> &
  RequirementInputs;

export function explorerRow(row: CompareRow): ExplorerRow {
  const { pattern, variant, title, variantLabel, runs, anomalies, unsettled, byFaultKind, traits, measures } = row;
  return {
    pattern,
    variant,
    title,
    variantLabel,
    runs,
    anomalies,
    unsettled,
    byFaultKind,
    traits: { orderPerKey: traits.orderPerKey, blocks: traits.blocks },
    measures: { extraInfrastructure: measures.extraInfrastructure, readYourWrites: measures.readYourWrites, commitToEffectMs: measures.commitToEffectMs },
  };
}

export interface RowGroup<Row> {
  pattern: PatternId;
  title: string;
  rows: Row[];
}

/** Patterns in the order the data lists them (story order), each with its default variant first. */
export function groupByPattern<Row extends { pattern: PatternId; variant: string; title: string }>(rows: readonly Row[]): RowGroup<Row>[] {
  const groups = new Map<PatternId, RowGroup<Row>>();
  for (const row of rows) {
    const group = groups.get(row.pattern) ?? { pattern: row.pattern, title: row.title, rows: [] };
    group.rows.push(row);
    groups.set(row.pattern, group);
  }
  for (const group of groups.values()) group.rows.sort((a, b) => Number(b.variant === 'default') - Number(a.variant === 'default'));
  return [...groups.values()];
}

export function rowKey(row: { pattern: PatternId; variant: string }): string {
  return `${row.pattern}/${row.variant}`;
}
