/**
 * The outcome checker. It knows no pattern: after a run it reads what really ended up in the
 * source of truth (`service.orders`), in the broker's topics, and in the consumer's tables, and
 * names every disagreement with the rows and messages that prove it.
 */
import type { Broker } from '../actors/broker';
import { messageRef } from '../actors/broker';
import type { SqlRunner } from './traced-database';
import type { Anomaly, Outcome, StepRecord, TopicMessage } from './types';
import { ANOMALY_IDS } from './vocabulary';

export interface CheckInput {
  runner: SqlRunner;
  broker: Broker;
  steps: StepRecord[];
  settled: boolean;
}

interface Shipment {
  id: number;
  order_id: number;
  event_id: string;
  /** Only where the consumer's shipments can be cancelled (row-change consumers). */
  cancelled_at?: unknown;
}

/**
 * The struck faults that concern this order (or every struck fault when none names it), as a
 * clause to append after a colon; empty when nothing struck.
 */
function causeOf(steps: StepRecord[], orderId: number | null): string {
  const struck = steps.filter((s) => s.struck);
  if (struck.length === 0) return '';
  const mentions = orderId === null ? [] : struck.filter((s) => new RegExp(`\\border ${orderId}\\b`).test(s.caption));
  const chosen = mentions.length > 0 ? mentions : struck;
  const clauses = chosen.map((s) => `${lowerFirstWord(s.caption.replace(/\.$/, ''))} (step ${s.index})`);
  return `: ${clauses.join('; ')}`;
}

function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

function delivered(n: number): string {
  return n === 0 ? 'never delivered' : `delivered ${times(n)}`;
}

function lowerFirstWord(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function ref(m: TopicMessage): string {
  return messageRef(m);
}

export async function checkOutcome(input: CheckInput): Promise<Outcome> {
  const orders = (await input.runner.query<{ id: number }>('SELECT id FROM service.orders ORDER BY id')).rows.map((r) => Number(r.id));
  const shipments = (await input.runner.query<Shipment>('SELECT * FROM consumer.shipments ORDER BY id')).rows;
  const messages = input.broker.messages();
  const anomalies: Anomaly[] = [];
  const truth = new Set(orders);

  for (const orderId of orders) {
    const applied = shipments.filter((s) => s.order_id === orderId);
    if (applied.length > 0) continue;
    const inTopic = messages.filter((m) => m.orderId === orderId);
    anomalies.push({
      id: 'lost-event',
      subject: `order ${orderId}`,
      evidence: [
        { ref: `service.orders id=${orderId}`, detail: 'committed in the source of truth' },
        ...(inTopic.length > 0
          ? inTopic.map((m) => ({ ref: ref(m), detail: `in the topic, ${delivered(m.deliveries)}, never applied` }))
          : [{ ref: 'topics', detail: `no message for order ${orderId} in any topic` }]),
        { ref: 'consumer.shipments', detail: `no shipment for order ${orderId}` },
      ],
      why: `Order ${orderId} is committed, but no OrderPlaced for it ever reached the consumer${causeOf(input.steps, orderId)}.`,
    });
  }

  const phantomOrders = [...new Set([...messages.map((m) => m.orderId), ...shipments.map((s) => s.order_id)])].filter((id) => !truth.has(id));
  for (const orderId of phantomOrders) {
    const copies = messages.filter((m) => m.orderId === orderId);
    const effects = shipments.filter((s) => s.order_id === orderId);
    // A row-change stream that ends in a deletion: the order existed and was deleted at the
    // source. Not a phantom; but downstream must not keep it active.
    const last = copies.at(-1);
    if (last?.op === 'd') {
      const active = effects.filter((s) => !('cancelled_at' in s) || s.cancelled_at === null);
      if (active.length > 0) {
        anomalies.push({
          id: 'lost-event',
          subject: `order ${orderId}`,
          evidence: [
            { ref: 'service.orders', detail: `order ${orderId} deleted` },
            { ref: ref(last), detail: `${last.eventType}, ${delivered(last.deliveries)}` },
            ...active.map((s) => ({ ref: `consumer.shipments id=${s.id}`, detail: `still active for order ${orderId}` })),
          ],
          why: `Order ${orderId} was deleted at the source, but its shipment is still active: the deletion never took effect downstream${causeOf(input.steps, orderId)}.`,
        });
      }
      continue;
    }
    anomalies.push({
      id: 'phantom-event',
      subject: `order ${orderId}`,
      evidence: [
        { ref: 'service.orders', detail: `no order ${orderId}` },
        ...copies.map((m) => ({ ref: ref(m), detail: `${m.eventType} ${m.eventId} for order ${orderId}` })),
        ...effects.map((s) => ({ ref: `consumer.shipments id=${s.id}`, detail: `shipment for order ${orderId}` })),
      ],
      why: `Downstream saw an event for order ${orderId}, which the source of truth does not have${causeOf(input.steps, orderId)}.`,
    });
  }

  // One group per order and event type: an order may have several events (placed, confirmed).
  const byOrder = new Map<string, TopicMessage[]>();
  for (const m of messages) byOrder.set(`${m.orderId}|${m.eventType}`, [...(byOrder.get(`${m.orderId}|${m.eventType}`) ?? []), m]);
  for (const copies of byOrder.values()) {
    const orderId = copies[0]!.orderId;
    const eventType = copies[0]!.eventType;
    const deliveries = copies.reduce((n, m) => n + m.deliveries, 0);
    if (deliveries <= 1) continue;
    const applied = shipments.filter((s) => s.order_id === orderId).length;
    const harm = applied <= 1 ? ' It was applied only once, so the repeat did no harm.' : '';
    anomalies.push({
      id: 'duplicate-delivery',
      subject: `order ${orderId}`,
      evidence: copies.map((m) => ({ ref: ref(m), detail: `${m.eventType} ${m.eventId}, ${delivered(m.deliveries)}` })),
      why: `The consumer received ${eventType} for order ${orderId} ${times(deliveries)}${copies.length > 1 ? ` (${copies.length} copies in the topic)` : ''}${causeOf(input.steps, orderId)}.${harm}`,
    });
  }

  const shipmentsByOrder = new Map<number, Shipment[]>();
  for (const s of shipments) shipmentsByOrder.set(s.order_id, [...(shipmentsByOrder.get(s.order_id) ?? []), s]);
  for (const [orderId, rows] of shipmentsByOrder) {
    if (rows.length <= 1) continue;
    anomalies.push({
      id: 'duplicate-effect',
      subject: `order ${orderId}`,
      evidence: rows.map((s) => ({ ref: `consumer.shipments id=${s.id}`, detail: `shipment for order ${orderId} from ${s.event_id}` })),
      why: `Order ${orderId} was shipped ${times(rows.length)}, because the consumer applied a repeated delivery each time it came${causeOf(input.steps, orderId)}.`,
    });
  }

  anomalies.sort((a, b) => ANOMALY_IDS.indexOf(a.id) - ANOMALY_IDS.indexOf(b.id) || a.subject.localeCompare(b.subject, 'en', { numeric: true }));
  const consistent = anomalies.length === 0;
  const ids = [...new Set(anomalies.map((a) => a.id))];
  const summary = consistent
    ? 'Consistent: every committed order reached the consumer and was applied exactly once.'
    : `${anomalies.length} ${anomalies.length === 1 ? 'anomaly' : 'anomalies'}: ${ids.join(', ')}.`;
  return {
    anomalies,
    consistent,
    settled: input.settled,
    summary: input.settled ? summary : `The run stopped at its step limit before settling. ${summary}`,
  };
}
