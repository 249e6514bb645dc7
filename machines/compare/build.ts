/**
 * Building the comparison: explore a pattern (every single fault at every point, idempotency off
 * and on), keep each run's anomalies with the checker's why and where the fault struck, measure the
 * trade-offs from fault-free runs, then judge the claims over every row. The build, the command
 * line and the page's worker all call these, so the three agree.
 */
import type { LabStore } from '../kernel/component';
import { EXPLORED_ORDER_SETS, explorePattern, type ExploreOptions } from '../kernel/explore';
import type { PatternDefinition } from '../kernel/pattern';
import { formatFault } from '../kernel/scenario';
import type { RunResult } from '../kernel/types';
import { struckAt } from '../kernel/unstruck';
import type { AnomalyId } from '../kernel/vocabulary';
import { judgeClaims, type Claim } from './claims';
import { anomalyCounts, rowTraits, unsettledCounts, worstByFaultKind, worstOverall } from './matrix';
import { measureRow, type Housekeeping } from './measures';
import type { ScaleMeasures } from './scale/types';
import type { CaseVerdict, CompareData, CompareRow, ExploredCase, PatternCases, RowAtScale } from './types';

export interface ComparedPattern {
  rows: CompareRow[];
  cases: PatternCases;
}

export interface CompareOptions {
  seed: number;
  housekeeping: Housekeeping;
  onProgress?: (done: number, total: number) => void;
  /** Also handed every run's full result, after the comparison has read it (see ExploreOptions.onRun). */
  onRun?: ExploreOptions['onRun'];
}

function verdictOf(result: RunResult): CaseVerdict {
  const first = new Map<AnomalyId, CaseVerdict['anomalies'][number]>();
  for (const a of result.outcome.anomalies) if (!first.has(a.id)) first.set(a.id, { id: a.id, subject: a.subject, why: a.why });
  return { anomalies: [...first.values()], settled: result.outcome.settled };
}

export async function comparePattern(db: LabStore, pattern: PatternDefinition, options: CompareOptions): Promise<ComparedPattern> {
  const { info } = pattern;
  // One case per single-fault plan; its off run comes before its on run (see explorePattern).
  const cases = new Map<string, ExploredCase[]>(info.variants.map((v) => [v.id, []]));
  let open: Omit<ExploredCase, 'on'> | undefined;
  await explorePattern(db, pattern, {
    seed: options.seed,
    onProgress: options.onProgress,
    onRun: (result, run) => {
      options.onRun?.(result, run);
      const fault = run.faults[0];
      if (!fault) return;
      if (!run.idempotentConsumer) {
        const struck = struckAt(result.steps, fault);
        open = { fault: formatFault(fault), kind: fault.kind, actor: fault.at.slice(0, fault.at.indexOf('.')), orders: run.orders, struckStep: struck?.index ?? null, struckCaption: struck?.caption ?? '', off: verdictOf(result) };
        return;
      }
      if (!open || open.fault !== formatFault(fault)) throw new Error(`${info.id}: exploration ran ${formatFault(fault)} with idempotency on without its run with it off`);
      cases.get(run.variant)!.push({ ...open, on: verdictOf(result) });
      open = undefined;
    },
  });

  const rows: CompareRow[] = [];
  for (const variant of info.variants) {
    const those = cases.get(variant.id)!;
    rows.push({
      pattern: info.id,
      variant: variant.id,
      title: info.title,
      variantLabel: variant.label,
      hasConsumer: info.hasConsumer,
      runs: those.length,
      anomalies: anomalyCounts(those),
      unsettled: unsettledCounts(those),
      byFaultKind: worstByFaultKind(those),
      worst: worstOverall(those),
      // Only a consumer that logs what it applied can show events applied out of order.
      traits: rowTraits(those, info.hasConsumer),
      measures: await measureRow(db, pattern, variant.id, options.seed, options.housekeeping),
    });
  }
  return { rows, cases: { pattern: info.id, variants: Object.fromEntries(cases) } };
}

/** The patterns that operate what the scale measurements measure: an outbox a relay polls, a replication slot. */
const AT_SCALE: ReadonlyMap<string, 'outbox' | 'slot'> = new Map([
  ['outbox-polling', 'outbox'],
  ['outbox-cdc', 'slot'],
  ['cdc-table', 'slot'],
]);

/** Whether comparing these patterns needs the scale measurements at all. */
export function needsScale(patterns: readonly string[]): boolean {
  return patterns.some((id) => AT_SCALE.has(id));
}

function atScaleFor(row: CompareRow, scale: ScaleMeasures): RowAtScale | undefined {
  const base = { where: scale.where, measuredAt: scale.measuredAt, postgres: scale.postgres };
  const concern = AT_SCALE.get(row.pattern);
  if (concern === 'outbox') return { ...base, poll: scale.poll, housekeeping: scale.housekeeping };
  if (concern === 'slot') return { ...base, slot: scale.slot };
  return undefined;
}

/** The whole comparison, rows in the order of `patterns` (the story's order). */
export function assembleCompare(compared: readonly ComparedPattern[], claims: readonly Claim[], seed: number, scale: ScaleMeasures | null = null): CompareData {
  const rows = compared.flatMap((c) => c.rows).map((row) => {
    const atScale = scale ? atScaleFor(row, scale) : undefined;
    return atScale ? { ...row, measures: { ...row.measures, atScale } } : row;
  });
  return {
    format: 1,
    seed,
    orderSets: EXPLORED_ORDER_SETS.map((set) => [...set]),
    rows,
    claims: judgeClaims(claims, rows, compared.map((c) => c.cases)),
    scale,
  };
}
