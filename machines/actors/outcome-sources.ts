/**
 * The checker's adapters most patterns share: orders in `service.orders` (or OrderPlaced events in
 * the event store) are the truth; what the broker's topics and the store's streams delivered to the
 * shipping group, and the rows of `consumer.shipments`, are downstream; a cache-aside cache is
 * judged read by read against `service.orders.version`.
 */
import type { InspectionSources } from '../kernel/pattern';
import type { AppliedEffect, CacheKeys, CacheSources, DeliveredEvent, EffectsSources, TruthSource } from '../kernel/outcome-sources';
import type { SqlRunner } from '../kernel/traced-database';
import { DOWNSTREAM_GROUP, messageRef, type Broker } from './broker';
import type { Cache } from './cache';
import type { EventStore } from './event-store';

export const ORDERS_TRUTH_TABLE = 'service.orders';
export const SHIPMENTS_TABLE = 'consumer.shipments';
const APPLIED_LOG_TABLE = 'consumer.applied_events';

function ordersTable(runner: SqlRunner): TruthSource {
  return {
    kind: 'table',
    table: ORDERS_TRUTH_TABLE,
    orders: async () => (await runner.query<{ id: number }>(`SELECT id FROM ${ORDERS_TRUTH_TABLE} ORDER BY id`)).rows.map((r) => Number(r.id)),
  };
}

function placedInStore(store: EventStore | undefined): TruthSource {
  return {
    kind: 'event-store',
    orders: async () => {
      const placed = (store?.userEvents() ?? []).filter((e) => e.type === 'OrderPlaced').map((e) => e.orderId);
      return [...new Set(placed)].sort((a, b) => a - b);
    },
  };
}

interface ShipmentRow {
  id: number;
  order_id: number;
  event_id: string;
  /** Only where shipments can be cancelled (row-change consumers). */
  cancelled_at?: unknown;
}

export interface EffectsWorld {
  broker?: Broker;
  eventStore?: EventStore;
}

/** Orders shipped by the shipping consumer, from a broker's topics and/or an event store's streams. */
export function shipmentsOutcome(sources: InspectionSources<EffectsWorld>, truth: 'orders-table' | 'event-store' = 'orders-table'): EffectsSources {
  const { runner, broker, eventStore } = sources;
  return {
    downstream: 'effects',
    truth: truth === 'event-store' ? placedInStore(eventStore) : ordersTable(runner),
    effectsTable: SHIPMENTS_TABLE,
    deliverable(): DeliveredEvent[] {
      // Transaction markers take offsets but are no events: no consumer is ever handed one.
      const fromTopics = (broker?.messages() ?? []).filter((m) => !m.control).map((m) => ({
        ref: messageRef(m),
        eventId: m.eventId,
        eventType: m.eventType,
        orderId: m.orderId,
        ...(m.op ? { op: m.op } : {}),
        deliveries: m.deliveries,
      }));
      const deliveries = eventStore?.deliveries(DOWNSTREAM_GROUP);
      const fromStore = (eventStore?.userEvents() ?? []).map((e) => ({
        ref: `${e.stream}@${e.revision}`,
        eventId: e.eventId,
        eventType: e.type,
        orderId: e.orderId,
        deliveries: deliveries?.get(e.eventId) ?? 0,
      }));
      return [...fromTopics, ...fromStore];
    },
    async effects(): Promise<AppliedEffect[]> {
      const rows = (await runner.query<ShipmentRow>(`SELECT * FROM ${SHIPMENTS_TABLE} ORDER BY id`)).rows;
      return rows.map((s) => ({ id: Number(s.id), orderId: Number(s.order_id), eventId: s.event_id, active: !('cancelled_at' in s) || s.cancelled_at === null }));
    },
    inDoubt: () =>
      (broker?.preparedMessages() ?? []).map((p) => ({
        gid: p.gid,
        evidence: { ref: `broker prepared ${p.gid}`, detail: `${p.message.eventType} for order ${p.message.orderId}, stored but invisible` },
      })),
    async appliedLog() {
      const exists = await runner.query<{ t: string | null }>(`SELECT to_regclass('${APPLIED_LOG_TABLE}')::text AS t`);
      if (!exists.rows[0]?.t) return null;
      const rows = (
        await runner.query<{ seq: number; event_id: string; aggregate_key: string; event_type: string; source_seq: number | null }>(
          `SELECT seq, event_id, aggregate_key, event_type, source_seq FROM ${APPLIED_LOG_TABLE} ORDER BY seq`,
        )
      ).rows;
      return {
        table: APPLIED_LOG_TABLE,
        entries: rows.map((r) => ({ seq: r.seq, eventId: r.event_id, key: r.aggregate_key, eventType: r.event_type, sourceSeq: r.source_seq })),
      };
    },
  };
}

/** Every read a cache served, judged against the orders table at the time. */
export function cacheOutcome(sources: InspectionSources<{ cache: Cache }>, keys: CacheKeys): CacheSources {
  const { runner, cache } = sources;
  return {
    downstream: 'cache',
    truth: ordersTable(runner),
    reads: () => cache.reads(),
    live: (now) => cache.live(now),
    versions: keys.versions,
    versionOf: keys.versionOf,
    orderOf: keys.orderOf,
  };
}
