/**
 * `duplicate-delivery` (downstream got an event more than once: harmless to an idempotent
 * consumer) and `duplicate-effect` (downstream applied one order more than once: a visible error),
 * for a consumer of events and for the participants of a saga.
 */
import type { AppliedEffect, DeliveredEvent, EffectsSources, SagaSources } from '../outcome-sources';
import type { Anomaly, StepRecord } from '../types';
import { causeOf, delivered, times } from './words';

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

export async function duplicates(sources: EffectsSources, steps: readonly StepRecord[]): Promise<Anomaly[]> {
  const effects: AppliedEffect[] = await sources.effects();
  const anomalies: Anomaly[] = [];
  // One group per order and event type: an order may have several events (placed, confirmed).
  for (const copies of groupBy<DeliveredEvent, string>(sources.deliverable(), (m) => `${m.orderId}|${m.eventType}`).values()) {
    const { orderId, eventType } = copies[0]!;
    const deliveries = copies.reduce((n, m) => n + m.deliveries, 0);
    if (deliveries <= 1) continue;
    const applied = effects.filter((s) => s.orderId === orderId).length;
    const harm = applied <= 1 ? ' It was applied only once, so the repeat did no harm.' : '';
    anomalies.push({
      id: 'duplicate-delivery',
      subject: `order ${orderId}`,
      evidence: copies.map((m) => ({ ref: m.ref, detail: `${m.eventType} ${m.eventId}, ${delivered(m.deliveries)}` })),
      why: `The consumer received ${eventType} for order ${orderId} ${times(deliveries)}${copies.length > 1 ? ` (${copies.length} copies in the topic)` : ''}${causeOf(steps, orderId)}.${harm}`,
    });
  }
  for (const [orderId, rows] of groupBy(effects, (s) => s.orderId)) {
    if (rows.length <= 1) continue;
    anomalies.push({
      id: 'duplicate-effect',
      subject: `order ${orderId}`,
      evidence: rows.map((s) => ({ ref: `${sources.effectsTable} id=${s.id}`, detail: `shipment for order ${orderId} from ${s.eventId}` })),
      why: `Order ${orderId} was shipped ${times(rows.length)}, because the consumer applied a repeated delivery each time it came${causeOf(steps, orderId)}.`,
    });
  }
  return anomalies;
}

/**
 * The same two for saga participants: a participant asked more than once for one order's effect
 * (a retried command) got a duplicate delivery; one that holds two effects of its kind for one
 * order (two charges) applied it twice. An effect a compensation undid no longer counts.
 */
export async function participantDuplicates(sources: SagaSources, steps: readonly StepRecord[]): Promise<Anomaly[]> {
  const effects = await sources.effects();
  const anomalies: Anomaly[] = [];
  for (const rows of groupBy(effects, (e) => `${e.orderId}|${e.participant}`).values()) {
    const { orderId, participant } = rows[0]!;
    const requests = rows.reduce((n, e) => n + e.requests, 0);
    const held = rows.filter((e) => e.held);
    if (requests > 1) {
      anomalies.push({
        id: 'duplicate-delivery',
        subject: `order ${orderId}`,
        evidence: rows.map((e) => ({ ref: e.ref, detail: `${e.what}, asked for ${times(e.requests)}` })),
        why: `The ${participant} service was asked ${times(requests)} for order ${orderId}${causeOf(steps, orderId)}.${held.length <= 1 ? ' It kept one effect, so the repeat did no harm.' : ''}`,
      });
    }
    if (held.length > 1) {
      anomalies.push({
        id: 'duplicate-effect',
        subject: `order ${orderId}`,
        evidence: held.map((e) => ({ ref: e.ref, detail: `${e.what} for order ${orderId}` })),
        why: `The ${participant} service applied order ${orderId}'s step ${times(held.length)} and keeps every copy: a retried command was taken for a new one${causeOf(steps, orderId)}.`,
      });
    }
  }
  return anomalies;
}
