/**
 * The outcome checker. It knows no pattern: after a run it reads, through the adapters the pattern
 * supplies (see outcome-sources.ts), what really ended up in the source of truth and downstream,
 * and runs one detector per anomaly over that and over the run's history (its steps, their facts,
 * the reads served). Each anomaly names the rows and messages that prove it.
 */
import { blocked } from './detectors/blocked';
import { duplicates, participantDuplicates } from './detectors/duplicates';
import { halfDone } from './detectors/half-done';
import { lostAndPhantomEvents } from './detectors/lost-and-phantom';
import { outOfOrder } from './detectors/out-of-order';
import { describeUnsettled } from './detectors/settling';
import { staleCacheAnomalies, type TruthAtStep } from './detectors/stale-cache';
import { causeOf } from './detectors/words';
import type { CacheSources, OutcomeSources } from './outcome-sources';
import type { SqlRunner } from './traced-database';
import type { Anomaly, Outcome, StepRecord, TraceEntry } from './types';
import { ANOMALY_IDS } from './vocabulary';

export { causeOf } from './detectors/words';

export interface CheckInput {
  runner: SqlRunner;
  sources: OutcomeSources;
  /** Virtual time at the end of the run: cache entries alive then are what readers would get. */
  now: number;
  steps: StepRecord[];
  settled: boolean;
  /** The step limit the run had: an unsettled run reached it. */
  maxSteps: number;
  trace: TraceEntry[];
  /** What the truth held after every step that changed it (cache patterns record it). */
  truthHistory: readonly TruthAtStep[];
  /** The pattern's own checks, run after the generic ones. */
  check?: (steps: StepRecord[]) => Promise<Anomaly[]>;
}

function staleCache(sources: CacheSources, input: CheckInput): Anomaly[] {
  const subjectOf = (key: string) => {
    const order = sources.orderOf(key);
    return order === null ? `key ${key}` : `order ${order}`;
  };
  return staleCacheAnomalies({
    reads: sources.reads(),
    live: sources.live(input.now),
    history: input.truthHistory,
    versionOf: (value) => sources.versionOf(value),
    subjectOf,
    causeOf: (key) => causeOf(input.steps, sources.orderOf(key)),
  });
}

export async function checkOutcome(input: CheckInput): Promise<Outcome> {
  const { sources } = input;
  const orders = await sources.truth.orders();
  const anomalies: Anomaly[] = [];
  if (sources.downstream === 'cache') anomalies.push(...staleCache(sources, input));
  // Only a pattern whose downstream is a saga's participants can leave one half-done.
  else if (sources.downstream === 'saga') anomalies.push(...(await halfDone(sources, input.steps)), ...(await participantDuplicates(sources, input.steps)));
  else anomalies.push(...(await lostAndPhantomEvents(sources, orders, input.steps)), ...(await duplicates(sources, input.steps)));
  anomalies.push(
    ...(await outOfOrder(sources, input.steps)),
    ...(await blocked(input.runner, sources, input.steps, input.trace)),
    ...((await input.check?.(input.steps)) ?? []),
  );

  anomalies.sort((a, b) => ANOMALY_IDS.indexOf(a.id) - ANOMALY_IDS.indexOf(b.id) || a.subject.localeCompare(b.subject, 'en', { numeric: true }));
  const ids = [...new Set(anomalies.map((a) => a.id))];
  const found = `${anomalies.length} ${anomalies.length === 1 ? 'anomaly' : 'anomalies'}: ${ids.join(', ')}.`;
  if (!input.settled) {
    // No clean verdict: what was found so far may still change, and a livelock is a finding itself.
    const unsettled = describeUnsettled(input.steps, input.maxSteps);
    const sofar = anomalies.length === 0 ? 'No anomaly so far, but that is no verdict.' : `So far: ${found}`;
    return { anomalies, consistent: false, settled: false, unsettled, summary: `The run did not settle. ${unsettled.why} ${sofar}` };
  }
  const consistent = anomalies.length === 0;
  return { anomalies, consistent, settled: true, summary: consistent ? await consistentSummary(sources, orders) : found };
}

async function consistentSummary(sources: OutcomeSources, orders: number[]): Promise<string> {
  if (sources.downstream === 'cache') {
    return orders.length === 0
      ? 'Consistent, but no order was committed: the cache had nothing to disagree with.'
      : 'Consistent: every value the cache holds is the one Postgres holds.';
  }
  if (sources.downstream === 'saga') {
    const fates = await sources.sagaOrders();
    const count = (fate: 'confirmed' | 'cancelled') => fates.filter((o) => o.fate === fate).length;
    return fates.length === 0
      ? 'Consistent, but no order was placed: no saga ran.'
      : `Consistent: ${count('confirmed')} confirmed with every participant's effect held, ${count('cancelled')} cancelled with every effect undone.`;
  }
  const effects = (await sources.effects()).length;
  return orders.length === 0 && effects === 0
    ? 'Consistent, but no order was committed: nothing reached the consumer because there was nothing to send.'
    : 'Consistent: every committed order reached the consumer and was applied exactly once.';
}
