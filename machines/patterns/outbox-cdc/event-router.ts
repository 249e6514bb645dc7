/**
 * Debezium's outbox event router (the `io.debezium.transforms.outbox.EventRouter` SMT) as the lab's
 * connector applies it to the outbox's row changes:
 * - an INSERT becomes a message on `outbox.event.<aggregate type>` (`route.by.field`, default
 *   column `aggregatetype`; `route.topic.replacement`, default `outbox.event.${routedByValue}`),
 *   keyed by the aggregate id (`table.field.event.key`, default `aggregateid`), the event id in an
 *   `id` header (`table.field.event.id`, default `id`), the `payload` column as the value;
 * - an UPDATE is not expected on an outbox: `table.op.invalid.behavior` decides (default `warn`:
 *   log a warning and skip it; `error` logs an error and skips; `fatal` stops the connector);
 * - a DELETE is dropped without a word, which is what makes deleting the row at once safe;
 * - a snapshot's rows (op `r`) are routed like inserts.
 * The lab's outbox names its columns `aggregate_type`, `aggregate_id` and `event_id`, so the
 * router is configured with those, as a deployment with this table would be.
 *
 * What the lab leaves out: the value is the payload text as stored (a real converter adds a schema
 * envelope unless told not to; `table.expand.json.payload` would parse it), the record has no
 * timestamp of its own (`table.field.event.timestamp`), and no additional fields travel in headers
 * or an envelope (`table.fields.additional.placement`). The event type is not in the real message
 * at all unless placed there; the lab's message keeps it beside the id for its captions and its
 * checker.
 */
import type { OutgoingMessage } from '../../actors/broker';
import type { SkippedChange } from '../../actors/cdc-connector';
import type { RowChange } from '../../actors/wal-decoder';
import type { TableSnapshot } from '../../kernel/types';

export const OUTBOX = 'service.outbox';

/** The router's settings for the lab's outbox, with Debezium's defaults beside them. */
export const ROUTER_SETTINGS = [
  { option: 'route.by.field', debezium_default: 'aggregatetype', lab: 'aggregate_type' },
  { option: 'route.topic.replacement', debezium_default: 'outbox.event.${routedByValue}', lab: 'outbox.event.${routedByValue}' },
  { option: 'table.field.event.key', debezium_default: 'aggregateid', lab: 'aggregate_id' },
  { option: 'table.field.event.id', debezium_default: 'id (to header id)', lab: 'event_id (to header id)' },
  { option: 'table.field.event.payload', debezium_default: 'payload', lab: 'payload' },
  { option: 'table.expand.json.payload', debezium_default: 'false', lab: 'false' },
  { option: 'table.op.invalid.behavior', debezium_default: 'warn', lab: 'warn' },
] as const;

/** The topic the router sends an aggregate type's events to. */
export function outboxTopic(aggregateType: string): string {
  return `outbox.event.${aggregateType}`;
}

/** The topic of the lab's order events: its outbox rows all have aggregate type `Order`. */
export const ORDER_EVENTS_TOPIC = outboxTopic('Order');

/** An outbox row change as the event router turns it into a message, skips it, or drops it. */
export function routeOutboxChange(change: RowChange): OutgoingMessage | SkippedChange | null {
  if (change.table !== OUTBOX) return null;
  if (change.op === 'd') return null;
  if (change.op === 'u') {
    const id = change.after?.id ?? change.before?.id ?? '?';
    return { skipped: `EventRouter: unexpected update of outbox row ${id} ignored (table.op.invalid.behavior=warn)` };
  }
  const row = change.after;
  if (!row) return null;
  const eventId = String(row.event_id);
  return {
    topic: outboxTopic(String(row.aggregate_type)),
    key: String(row.aggregate_id),
    eventId,
    eventType: String(row.event_type),
    orderId: Number(row.aggregate_id),
    payload: String(row.payload),
    headers: { id: eventId },
  };
}

export function routerInspection(): TableSnapshot {
  return {
    name: 'outbox event router',
    note:
      "Debezium's EventRouter SMT, set up for this outbox's column names. INSERTs become messages on outbox.event.<aggregate type>, keyed by the aggregate id, " +
      'the event id in an id header, the payload as the value; an UPDATE is logged and skipped (warn); a DELETE is dropped. ' +
      'The lab leaves out the converter\'s schema envelope, the record timestamp and additional fields in headers or an envelope.',
    columns: ['option', 'debezium_default', 'lab'],
    rows: ROUTER_SETTINGS.map((r) => ({ ...r })),
  };
}
