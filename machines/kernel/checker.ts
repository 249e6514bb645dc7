/**
 * The outcome checker. It knows no pattern: after a run it reads what really ended up in the
 * source of truth (`service.orders`, or the event store for event-sourced patterns), in the
 * broker's topics and the store's streams, in the consumer's tables and in the cache, and names
 * every disagreement with the rows and messages that prove it.
 */
import type { Broker } from '../actors/broker';
import { messageRef } from '../actors/broker';
import type { Cache } from '../actors/cache';
import type { EventStore } from '../actors/event-store';
import { describeUnsettled } from './detectors/settling';
import { staleCacheAnomalies, type TruthAtStep } from './detectors/stale-cache';
import type { OutcomeSources } from './pattern';
import type { SqlRunner } from './traced-database';
import type { Anomaly, Outcome, StepRecord, TopicMessage, TraceEntry } from './types';
import { ANOMALY_IDS } from './vocabulary';

export interface CheckInput {
  runner: SqlRunner;
  broker: Broker;
  eventStore?: EventStore;
  cache?: Cache;
  /** Virtual time at the end of the run: cache entries alive then are what readers would get. */
  now?: number;
  steps: StepRecord[];
  settled: boolean;
  /** The step limit the run had: an unsettled run reached it. */
  maxSteps?: number;
  /** The run's trace: where a participant was refused a lock, it shows here. */
  trace?: TraceEntry[];
  sources?: OutcomeSources;
  /** For cache patterns: what Postgres held after every step that changed it. */
  truthHistory?: readonly TruthAtStep[];
  /** The pattern's own checks, run after the generic ones. */
  check?: (steps: StepRecord[]) => Promise<Anomaly[]>;
}

/** The group whose deliveries count as downstream's (the shipping consumer's). */
const DOWNSTREAM_GROUP = 'shipping';

/**
 * An event as downstream could receive it: a message in a topic, or an event in the store's
 * streams, with how many times the downstream group got it.
 */
interface Delivered {
  ref: string;
  eventId: string;
  eventType: string;
  orderId: number;
  op?: 'c' | 'u' | 'd';
  deliveries: number;
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
export function causeOf(steps: StepRecord[], orderId: number | null): string {
  const struck = steps.filter((s) => s.struck);
  if (struck.length === 0) return '';
  const mentions = orderId === null ? [] : struck.filter((s) => s.facts.orders.includes(orderId));
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

function ref(m: Delivered): string {
  return m.ref;
}

function fromTopic(m: TopicMessage): Delivered {
  return { ref: messageRef(m), eventId: m.eventId, eventType: m.eventType, orderId: m.orderId, ...(m.op ? { op: m.op } : {}), deliveries: m.deliveries };
}

/** Orders the source of truth holds: rows of `service.orders`, or orders with an OrderPlaced event. */
async function truthOrders(input: CheckInput): Promise<number[]> {
  if (input.sources?.truth === 'event-store') {
    const placed = (input.eventStore?.userEvents() ?? []).filter((e) => e.type === 'OrderPlaced').map((e) => e.orderId);
    return [...new Set(placed)].sort((a, b) => a - b);
  }
  return (await input.runner.query<{ id: number }>('SELECT id FROM service.orders ORDER BY id')).rows.map((r) => Number(r.id));
}

/** What downstream could have received: the topics' messages and the store's order events. */
function deliverable(input: CheckInput): Delivered[] {
  const fromStore = (input.eventStore?.userEvents() ?? []).map((e) => ({
    ref: `${e.stream}@${e.revision}`,
    eventId: e.eventId,
    eventType: e.type,
    orderId: e.orderId,
    deliveries: input.eventStore!.deliveries(DOWNSTREAM_GROUP).get(e.eventId) ?? 0,
  }));
  return [...input.broker.messages().map(fromTopic), ...fromStore];
}

export async function checkOutcome(input: CheckInput): Promise<Outcome> {
  const orders = await truthOrders(input);
  const anomalies: Anomaly[] = [];
  if (input.sources?.downstream === 'cache') {
    anomalies.push(...staleCache(input));
  } else {
    anomalies.push(...(await shipmentAnomalies(input, orders)));
  }
  anomalies.push(...(await outOfOrder(input)), ...(await blocked(input)), ...((await input.check?.(input.steps)) ?? []));

  anomalies.sort((a, b) => ANOMALY_IDS.indexOf(a.id) - ANOMALY_IDS.indexOf(b.id) || a.subject.localeCompare(b.subject, 'en', { numeric: true }));
  const ids = [...new Set(anomalies.map((a) => a.id))];
  const found = `${anomalies.length} ${anomalies.length === 1 ? 'anomaly' : 'anomalies'}: ${ids.join(', ')}.`;
  if (!input.settled) {
    // No clean verdict: what was found so far may still change, and a livelock is a finding itself.
    const unsettled = describeUnsettled(input.steps, input.maxSteps ?? input.steps.length);
    const sofar = anomalies.length === 0 ? 'No anomaly so far, but that is no verdict.' : `So far: ${found}`;
    return { anomalies, consistent: false, settled: false, unsettled, summary: `The run did not settle. ${unsettled.why} ${sofar}` };
  }
  const consistent = anomalies.length === 0;
  return { anomalies, consistent, settled: true, summary: consistent ? await consistentSummary(input, orders) : found };
}

async function consistentSummary(input: CheckInput, orders: number[]): Promise<string> {
  if (input.sources?.downstream === 'cache') {
    return orders.length === 0
      ? 'Consistent, but no order was committed: the cache had nothing to disagree with.'
      : 'Consistent: every value the cache holds is the one Postgres holds.';
  }
  const shipments = Number((await input.runner.query<{ n: number }>('SELECT count(*)::int AS n FROM consumer.shipments')).rows[0]?.n ?? 0);
  return orders.length === 0 && shipments === 0
    ? 'Consistent, but no order was committed: nothing reached the consumer because there was nothing to send.'
    : 'Consistent: every committed order reached the consumer and was applied exactly once.';
}

/** Lost, phantom, duplicated deliveries and effects: the truth against `consumer.shipments`. */
async function shipmentAnomalies(input: CheckInput, orders: number[]): Promise<Anomaly[]> {
  const shipments = (await input.runner.query<Shipment>('SELECT * FROM consumer.shipments ORDER BY id')).rows;
  const messages = deliverable(input);
  const anomalies: Anomaly[] = [];
  const truth = new Set(orders);
  const inStore = input.sources?.truth === 'event-store';

  for (const orderId of orders) {
    const applied = shipments.filter((s) => s.order_id === orderId);
    if (applied.length > 0) continue;
    const inTopic = messages.filter((m) => m.orderId === orderId);
    anomalies.push({
      id: 'lost-event',
      subject: `order ${orderId}`,
      evidence: [
        inStore
          ? { ref: `order-${orderId}`, detail: 'OrderPlaced is in the event store, the source of truth' }
          : { ref: `service.orders id=${orderId}`, detail: 'committed in the source of truth' },
        ...(inTopic.length > 0
          ? inTopic.map((m) => ({ ref: ref(m), detail: `in the ${inStore ? 'event store' : 'topic'}, ${delivered(m.deliveries)}, never applied` }))
          : [{ ref: 'topics', detail: `no message for order ${orderId} in any topic or stream` }]),
        { ref: 'consumer.shipments', detail: `no shipment for order ${orderId}` },
      ],
      why:
        inTopic.length > 0
          ? `Order ${orderId} is committed and its event reached the ${inStore ? 'event store' : 'topic'}, but the consumer never applied it${causeOf(input.steps, orderId)}.`
          : `Order ${orderId} is committed, but no event for it ever reached the consumer${causeOf(input.steps, orderId)}.`,
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
        { ref: inStore ? 'event store' : 'service.orders', detail: inStore ? `no OrderPlaced for order ${orderId}` : `no order ${orderId}` },
        ...copies.map((m) => ({ ref: ref(m), detail: `${m.eventType} ${m.eventId} for order ${orderId}` })),
        ...effects.map((s) => ({ ref: `consumer.shipments id=${s.id}`, detail: `shipment for order ${orderId}` })),
      ],
      why: `Downstream saw an event for order ${orderId}, which the source of truth does not have${causeOf(input.steps, orderId)}.`,
    });
  }

  // One group per order and event type: an order may have several events (placed, confirmed).
  const byOrder = new Map<string, Delivered[]>();
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

  return anomalies;
}

/** Every read the cache served, and what it still holds, against the versions Postgres committed. */
function staleCache(input: CheckInput): Anomaly[] {
  const truth = input.sources?.cache;
  if (!input.cache || !truth) return [];
  const orderOf = (key: string) => truth.orderOf(key);
  return staleCacheAnomalies({
    reads: input.cache.reads(),
    live: input.cache.live(input.now ?? 0),
    history: input.truthHistory ?? [],
    versionOf: (value) => truth.versionOf(value),
    subjectOf: (key) => (orderOf(key) === null ? `key ${key}` : `order ${orderOf(key)}`),
    causeOf: (key) => causeOf(input.steps, orderOf(key)),
  });
}

/**
 * Per key, the events a consumer applied (first application of each), in the order it applied
 * them, against the order the source gave them. Only where a consumer keeps that log.
 */
async function outOfOrder(input: CheckInput): Promise<Anomaly[]> {
  const exists = await input.runner.query<{ t: string | null }>(`SELECT to_regclass('consumer.applied_events')::text AS t`);
  if (!exists.rows[0]?.t) return [];
  const applied = (
    await input.runner.query<{ seq: number; event_id: string; aggregate_key: string; event_type: string; source_seq: number | null }>(
      'SELECT seq, event_id, aggregate_key, event_type, source_seq FROM consumer.applied_events ORDER BY seq',
    )
  ).rows;
  const byKey = new Map<string, typeof applied>();
  for (const row of applied) {
    if (row.source_seq === null) continue;
    const rows = byKey.get(row.aggregate_key) ?? [];
    if (!rows.some((r) => r.event_id === row.event_id)) rows.push(row);
    byKey.set(row.aggregate_key, rows);
  }
  const anomalies: Anomaly[] = [];
  for (const [key, rows] of byKey) {
    const inversions = rows.filter((r, i) => rows.slice(0, i).some((earlier) => Number(earlier.source_seq) > Number(r.source_seq)));
    if (inversions.length === 0) continue;
    const sourceOrder = [...rows].sort((a, b) => Number(a.source_seq) - Number(b.source_seq));
    anomalies.push({
      id: 'out-of-order',
      subject: `order ${key}`,
      evidence: [
        ...rows.map((r) => ({ ref: `consumer.applied_events seq=${r.seq}`, detail: `${r.event_type} ${r.event_id} applied (source position ${r.source_seq})` })),
        { ref: 'source order', detail: sourceOrder.map((r) => r.event_type).join(' → ') },
      ],
      why: `The consumer applied ${rows.map((r) => r.event_type).join(' before ')} for order ${key}, the reverse of the order they were committed in${causeOf(input.steps, Number(key))}.`,
    });
  }
  return anomalies;
}

/**
 * Prepared transactions still in doubt when the run ends (in Postgres or at the broker), and every
 * participant that was refused a lock while one held it.
 */
async function blocked(input: CheckInput): Promise<Anomaly[]> {
  const anomalies: Anomaly[] = [];
  const inDoubt = (await input.runner.query<{ gid: string; prepared: unknown }>('SELECT gid, prepared FROM pg_prepared_xacts ORDER BY gid')).rows;
  const brokerInDoubt = input.broker.preparedMessages();
  const gids = [...new Set([...inDoubt.map((x) => x.gid), ...brokerInDoubt.map((p) => p.gid)])];
  for (const gid of gids) {
    anomalies.push({
      id: 'blocked',
      subject: `transaction ${gid}`,
      evidence: [
        ...inDoubt.filter((x) => x.gid === gid).map(() => ({ ref: `pg_prepared_xacts gid=${gid}`, detail: 'prepared in Postgres, neither committed nor rolled back; its locks are held' })),
        ...brokerInDoubt.filter((p) => p.gid === gid).map((p) => ({ ref: `broker prepared ${gid}`, detail: `${p.message.eventType} for order ${p.message.orderId}, stored but invisible` })),
      ],
      why: `Transaction ${gid} is still in doubt when the run ends: its participants wait for a decision that has not come${causeOf(input.steps, null)}.`,
    });
  }
  const refusals = input.steps.flatMap((step) => step.facts.lockRefusals ?? []).flatMap((seq) => input.trace?.[seq] ?? []);
  for (const refusal of refusals) {
    const step = input.steps.find((s) => s.index === refusal.step);
    anomalies.push({
      id: 'blocked',
      subject: `${refusal.to} at step ${refusal.step}`,
      evidence: [{ ref: `trace #${refusal.seq} (t=${refusal.t} ms)`, detail: `${refusal.to} was refused a lock: ${refusal.label}` }],
      why: `The ${refusal.to} could not lock a row another transaction held${step ? ` (${lowerFirstWord(step.caption.replace(/\.$/, ''))})` : ''}${causeOf(input.steps, null)}.`,
    });
  }
  return anomalies;
}
