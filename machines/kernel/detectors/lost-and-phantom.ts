/**
 * `lost-event` and `phantom-event`: the source of truth against what downstream received and
 * applied. An order the truth holds with no effect downstream was lost; an event or effect for an
 * order the truth does not hold is a phantom, unless its stream ends in a deletion of that order,
 * which must then have undone the effect.
 */
import type { DeliveredEvent, EffectsSources } from '../outcome-sources';
import type { Anomaly, StepRecord } from '../types';
import { causeOf, delivered } from './words';

export async function lostAndPhantomEvents(sources: EffectsSources, orders: number[], steps: readonly StepRecord[]): Promise<Anomaly[]> {
  const effects = await sources.effects();
  const messages = sources.deliverable();
  const anomalies: Anomaly[] = [];
  const truth = new Set(orders);
  const inStore = sources.truth.kind === 'event-store';
  const truthTable = sources.truth.table ?? 'event store';
  const effectsTable = sources.effectsTable;
  const where = inStore ? 'event store' : 'topic';

  for (const orderId of orders) {
    if (effects.some((s) => s.orderId === orderId)) continue;
    const inTopic = messages.filter((m) => m.orderId === orderId);
    anomalies.push({
      id: 'lost-event',
      subject: `order ${orderId}`,
      evidence: [
        inStore
          ? { ref: `order-${orderId}`, detail: 'OrderPlaced is in the event store, the source of truth' }
          : { ref: `${truthTable} id=${orderId}`, detail: 'committed in the source of truth' },
        ...(inTopic.length > 0
          ? inTopic.map((m) => ({ ref: m.ref, detail: `in the ${where}, ${delivered(m.deliveries)}, never applied` }))
          : [{ ref: 'topics', detail: `no message for order ${orderId} in any topic or stream` }]),
        { ref: effectsTable, detail: `no shipment for order ${orderId}` },
      ],
      why:
        inTopic.length > 0
          ? `Order ${orderId} is committed and its event reached the ${where}, but the consumer never applied it${causeOf(steps, orderId)}.`
          : `Order ${orderId} is committed, but no event for it ever reached the consumer${causeOf(steps, orderId)}.`,
    });
  }

  const phantomOrders = [...new Set([...messages.map((m) => m.orderId), ...effects.map((s) => s.orderId)])].filter((id) => !truth.has(id));
  for (const orderId of phantomOrders) {
    const copies = messages.filter((m) => m.orderId === orderId);
    const applied = effects.filter((s) => s.orderId === orderId);
    const last: DeliveredEvent | undefined = copies.at(-1);
    if (last?.op === 'd') {
      // The order existed and was deleted at the source: no phantom, but nothing may stay active.
      const active = applied.filter((s) => s.active);
      if (active.length > 0) {
        anomalies.push({
          id: 'lost-event',
          subject: `order ${orderId}`,
          evidence: [
            { ref: truthTable, detail: `order ${orderId} deleted` },
            { ref: last.ref, detail: `${last.eventType}, ${delivered(last.deliveries)}` },
            ...active.map((s) => ({ ref: `${effectsTable} id=${s.id}`, detail: `still active for order ${orderId}` })),
          ],
          why: `Order ${orderId} was deleted at the source, but its shipment is still active: the deletion never took effect downstream${causeOf(steps, orderId)}.`,
        });
      }
      continue;
    }
    anomalies.push({
      id: 'phantom-event',
      subject: `order ${orderId}`,
      evidence: [
        { ref: truthTable, detail: inStore ? `no OrderPlaced for order ${orderId}` : `no order ${orderId}` },
        ...copies.map((m) => ({ ref: m.ref, detail: `${m.eventType} ${m.eventId} for order ${orderId}` })),
        ...applied.map((s) => ({ ref: `${effectsTable} id=${s.id}`, detail: `shipment for order ${orderId}` })),
      ],
      why: `Downstream saw an event for order ${orderId}, which the source of truth does not have${causeOf(steps, orderId)}.`,
    });
  }
  return anomalies;
}
