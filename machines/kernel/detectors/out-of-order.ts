/**
 * `out-of-order`: per key, the events a consumer applied (the first application of each), in the
 * order it applied them, against the order the source gave them. Only where a consumer keeps that log.
 */
import type { AppliedLogEntry, OutcomeSources } from '../outcome-sources';
import type { Anomaly, StepRecord } from '../types';
import { causeOf } from './words';

export async function outOfOrder(sources: OutcomeSources, steps: readonly StepRecord[]): Promise<Anomaly[]> {
  const log = await sources.appliedLog?.();
  if (!log) return [];
  const byKey = new Map<string, AppliedLogEntry[]>();
  for (const row of log.entries) {
    if (row.sourceSeq === null) continue;
    const rows = byKey.get(row.key) ?? [];
    if (!rows.some((r) => r.eventId === row.eventId)) rows.push(row);
    byKey.set(row.key, rows);
  }
  const anomalies: Anomaly[] = [];
  for (const [key, rows] of byKey) {
    const inversions = rows.filter((r, i) => rows.slice(0, i).some((earlier) => Number(earlier.sourceSeq) > Number(r.sourceSeq)));
    if (inversions.length === 0) continue;
    const sourceOrder = [...rows].sort((a, b) => Number(a.sourceSeq) - Number(b.sourceSeq));
    anomalies.push({
      id: 'out-of-order',
      subject: `order ${key}`,
      evidence: [
        ...rows.map((r) => ({ ref: `${log.table} seq=${r.seq}`, detail: `${r.eventType} ${r.eventId} applied (source position ${r.sourceSeq})` })),
        { ref: 'source order', detail: sourceOrder.map((r) => r.eventType).join(' → ') },
      ],
      why: `The consumer applied ${rows.map((r) => r.eventType).join(' before ')} for order ${key}, the reverse of the order they were committed in${causeOf(steps, Number(key))}.`,
    });
  }
  return anomalies;
}
