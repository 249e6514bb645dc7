/**
 * From the cases of an exploration to a row of the failure matrix: how many single-fault runs show
 * each anomaly with idempotency off and on, the worst anomaly per fault kind, and the traits the
 * requirement filter reads. Pure functions over data, so the page, the command line and the tests
 * agree by construction.
 */
import { ANOMALY_IDS, worstOf, type AnomalyId, type FaultKind } from '../kernel/vocabulary';
import type { CaseVerdict, ExploredCase, OffOn, RowTraits, WorstOffOn } from './types';

const SETTINGS = ['off', 'on'] as const;

function ids(verdict: CaseVerdict): AnomalyId[] {
  return verdict.anomalies.map((a) => a.id);
}

export function anomalyCounts(cases: readonly ExploredCase[]): Record<AnomalyId, OffOn> {
  const counts = Object.fromEntries(ANOMALY_IDS.map((id) => [id, { off: 0, on: 0 }])) as Record<AnomalyId, OffOn>;
  for (const c of cases) for (const setting of SETTINGS) for (const id of ids(c[setting])) counts[id][setting]++;
  return counts;
}

export function unsettledCounts(cases: readonly ExploredCase[]): OffOn {
  return {
    off: cases.filter((c) => !c.off.settled).length,
    on: cases.filter((c) => !c.on.settled).length,
  };
}

export function worstByFaultKind(cases: readonly ExploredCase[]): Partial<Record<FaultKind, WorstOffOn>> {
  const byKind = new Map<FaultKind, ExploredCase[]>();
  for (const c of cases) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  const result: Partial<Record<FaultKind, WorstOffOn>> = {};
  for (const [kind, those] of byKind) {
    result[kind] = { off: worstOf(those.flatMap((c) => ids(c.off))), on: worstOf(those.flatMap((c) => ids(c.on))), runs: those.length };
  }
  return result;
}

export function worstOverall(cases: readonly ExploredCase[]): { off: AnomalyId | 'none'; on: AnomalyId | 'none' } {
  return { off: worstOf(cases.flatMap((c) => ids(c.off))), on: worstOf(cases.flatMap((c) => ids(c.on))) };
}

/**
 * `orderJudged` says whether out-of-order could have been seen at all: a row whose downstream keeps
 * no log of what it applied cannot show it, so "never out of order" would mean nothing there.
 */
export function rowTraits(cases: readonly ExploredCase[], orderJudged: boolean): RowTraits {
  const counts = anomalyCounts(cases);
  const seen = (id: AnomalyId) => counts[id].off + counts[id].on > 0;
  return {
    needsIdempotentConsumer: counts['duplicate-effect'].off > counts['duplicate-effect'].on,
    orderJudged,
    orderPerKey: orderJudged && !seen('out-of-order'),
    blocks: seen('blocked'),
    losesOrInvents: seen('lost-event') || seen('phantom-event'),
  };
}

/** The cases of a cell: those whose run with that setting showed the anomaly. */
export function casesShowing(cases: readonly ExploredCase[], anomaly: AnomalyId, setting: 'off' | 'on'): ExploredCase[] {
  return cases.filter((c) => ids(c[setting]).includes(anomaly));
}
