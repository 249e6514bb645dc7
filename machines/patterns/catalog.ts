/**
 * The list of patterns the pages show. Plain data only: importing this pulls in neither PGlite nor
 * the statecharts.
 */
import type { PatternInfo } from '../kernel/pattern-info';
import type { Participant } from '../kernel/types';
import type { PatternId } from '../kernel/vocabulary';

const client: Participant = { id: 'client', label: 'Client', kind: 'client', process: true };
const service: Participant = { id: 'service', label: 'Order service', kind: 'service', process: true };
const postgres: Participant = { id: 'postgres', label: 'Postgres', kind: 'database', process: false };
const relay: Participant = { id: 'relay', label: 'Outbox relay', kind: 'relay', process: true };
const broker: Participant = { id: 'broker', label: 'Broker', kind: 'broker', process: false };
const consumer: Participant = { id: 'consumer', label: 'Shipping consumer', kind: 'consumer', process: true };

export const PATTERN_CATALOG: PatternInfo[] = [
  {
    id: 'naive-db-first',
    title: 'Naive dual write: database first',
    promise: 'Commit the order, then publish the event, and hope nothing fails in between.',
    worstAnomaly: 'lost-event',
    participants: [client, service, postgres, broker, consumer],
    variants: [{ id: 'default', label: 'Commit, then publish', summary: 'The service commits the order and then publishes OrderPlaced itself.', worstAnomaly: 'lost-event' }],
    tables: ['service.orders', 'consumer.shipments', 'consumer.processed_events'],
    hasConsumer: true,
  },
  {
    id: 'outbox-polling',
    title: 'Transactional outbox with a polling relay',
    promise: 'Write the order and its event in one transaction; a relay publishes the event later.',
    // The default relay duplicates at worst; the id-cursor variant loses events (its own entry says so).
    worstAnomaly: 'duplicate-effect',
    participants: [
      client,
      service,
      postgres,
      relay,
      // Runs in the competing-relays variant only (a run shows only the participants it has).
      { id: 'relay-2', label: 'Outbox relay 2', kind: 'relay', process: true, at: { col: 2, row: 1 } },
      broker,
      consumer,
    ],
    variants: [
      {
        id: 'default',
        label: 'Poll unpublished rows',
        worstAnomaly: 'duplicate-effect',
        summary: 'The relay selects unpublished rows in creation order, publishes each, then marks it published.',
      },
      {
        id: 'id-cursor',
        label: 'Poll after the last id',
        worstAnomaly: 'lost-event',
        summary: 'The relay reads ids above the last it published. Ids (like created_at) follow the insert, not the commit: a lower id committed later is skipped for good.',
      },
      {
        id: 'competing-relays',
        label: 'Two relays claiming rows',
        worstAnomaly: 'duplicate-effect',
        summary: 'Two relays claim rows with UPDATE … SKIP LOCKED under a lease. One order\'s events can leave in the wrong order; a crashed claimer\'s rows wait out its lease.',
      },
    ],
    tables: ['service.orders', 'service.outbox', 'consumer.shipments', 'consumer.processed_events', 'consumer.applied_events'],
    hasConsumer: true,
  },
  {
    id: 'outbox-cdc',
    title: 'Transactional outbox read from the write-ahead log',
    promise: 'Write the order and its event in one transaction; a connector tails the WAL and publishes committed events.',
    worstAnomaly: 'duplicate-effect',
    participants: [
      client,
      service,
      postgres,
      { id: 'connector', label: 'Connector', kind: 'connector', process: true },
      broker,
      consumer,
    ],
    variants: [
      {
        id: 'default',
        label: 'Confirm when it emits',
        worstAnomaly: 'duplicate-effect',
        summary: 'The connector decodes committed outbox inserts from the WAL, publishes them, stores its position, then advances its slot.',
      },
      {
        id: 'delete-after-insert',
        label: 'Delete the outbox row at once',
        worstAnomaly: 'duplicate-effect',
        summary: 'The service deletes the outbox row in the same transaction: the table stays empty, the WAL still has the insert.',
      },
      {
        id: 'heartbeat',
        label: 'Heartbeat',
        worstAnomaly: 'duplicate-effect',
        summary: 'When it reads only other tables, the connector writes a heartbeat row it can confirm, so its slot keeps moving.',
      },
    ],
    tables: ['service.orders', 'service.outbox', 'service.cdc_heartbeat', 'consumer.shipments', 'consumer.processed_events'],
    hasConsumer: true,
  },
  {
    id: 'cdc-table',
    title: 'Change data capture on the orders table',
    promise: 'Write only the table; a connector streams its row changes from the WAL, and consumers parse your rows.',
    // Streamed row changes can be applied twice at worst; a column renamed upstream loses events (its own entry).
    worstAnomaly: 'duplicate-effect',
    participants: [
      client,
      service,
      postgres,
      { id: 'connector', label: 'Connector', kind: 'connector', process: true },
      broker,
      consumer,
    ],
    variants: [
      {
        id: 'default',
        label: 'Stream row changes',
        worstAnomaly: 'duplicate-effect',
        summary: 'The connector turns each committed INSERT, UPDATE and DELETE of orders into a c/u/d event with before and after.',
      },
      {
        id: 'renamed-column',
        label: 'Column renamed upstream',
        worstAnomaly: 'lost-event',
        summary: 'The service calls the column total_cents now; the consumer still reads after.amount_cents.',
      },
    ],
    tables: ['service.orders', 'service.cdc_connector_state', 'consumer.shipments', 'consumer.processed_events'],
    hasConsumer: true,
  },
  {
    id: 'naive-broker-first',
    title: 'Naive dual write: broker first',
    promise: 'Publish the event, then write the order, and hope the write never fails.',
    worstAnomaly: 'phantom-event',
    participants: [client, service, postgres, broker, consumer],
    variants: [
      {
        id: 'default',
        label: 'Publish, then commit',
        worstAnomaly: 'phantom-event',
        summary: 'The service publishes OrderPlaced with the client-assigned order id, then inserts the order.',
      },
    ],
    tables: ['service.orders', 'consumer.shipments', 'consumer.processed_events'],
    hasConsumer: true,
  },
  {
    id: 'retry-in-catch',
    title: 'Dual write with a retry in the catch block',
    promise: 'Commit, publish, and retry the publish when it throws. Loose: the catch also publishes rolled-back orders.',
    worstAnomaly: 'lost-event',
    participants: [client, service, postgres, broker, consumer],
    variants: [
      {
        id: 'default',
        label: 'try { insert; publish } catch { retry publish }',
        worstAnomaly: 'lost-event',
        summary: 'One try around both writes; the catch retries the publish up to three times, whichever write failed.',
      },
    ],
    tables: ['service.orders', 'consumer.shipments', 'consumer.processed_events'],
    hasConsumer: true,
  },
  {
    id: 'after-commit-listener',
    title: 'Publish from an after-commit listener',
    promise: 'Send the event only once the commit succeeded; a rollback sends nothing, a crash still loses it.',
    worstAnomaly: 'lost-event',
    participants: [client, service, postgres, { id: 'listener', label: 'After-commit listener', kind: 'listener', process: true }, broker, consumer],
    variants: [
      {
        id: 'default',
        label: 'In-memory listener',
        worstAnomaly: 'lost-event',
        summary: 'The commit hands OrderPlaced to an in-process listener, which publishes it. Nothing is stored.',
      },
      {
        id: 'registry',
        label: 'Publication registry',
        worstAnomaly: 'lost-event',
        summary: 'A publication row is committed with the order, marked completed after the send, and republished on restart if incomplete.',
      },
    ],
    tables: ['service.orders', 'service.event_publication', 'consumer.shipments', 'consumer.processed_events'],
    hasConsumer: true,
  },
  {
    id: 'two-phase-commit',
    title: 'Two-phase commit across Postgres and the broker',
    promise: 'A coordinator prepares both, then commits both: all or nothing, if every participant can prepare.',
    worstAnomaly: 'blocked',
    participants: [client, service, postgres, { id: 'coordinator', label: 'Coordinator', kind: 'coordinator', process: true }, broker, consumer],
    variants: [
      {
        id: 'default',
        label: 'Kafka-like broker',
        worstAnomaly: 'blocked',
        summary: 'The broker is an append-only log with no prepare: it cannot enlist, so every order aborts. Consistent, and nothing works.',
      },
      {
        id: 'xa-broker',
        label: 'XA-capable broker',
        worstAnomaly: 'blocked',
        summary: 'The broker can prepare a message and show it only on commit. A coordinator crash between the phases holds locks in doubt until it restarts and recovers from its log.',
      },
    ],
    tables: ['service.orders', 'service.stock', 'service.tx_log', 'consumer.shipments', 'consumer.processed_events'],
    hasConsumer: true,
  },
  {
    id: 'listen-to-yourself',
    title: 'Listen to yourself',
    promise: 'Only publish; your own consumer writes your database. No dual write, but no read-your-writes either.',
    worstAnomaly: 'phantom-event',
    participants: [
      client,
      service,
      postgres,
      broker,
      { id: 'projector', label: 'Order projector', kind: 'consumer', process: true, at: { col: 2, row: 1 } },
      consumer,
    ],
    variants: [
      {
        id: 'default',
        label: 'Publish, project, ship',
        worstAnomaly: 'phantom-event',
        summary: 'The service publishes OrderPlaced; its projector writes service.orders, the shipping consumer ships, each in its own group.',
      },
    ],
    tables: ['service.orders', 'consumer.shipments', 'consumer.processed_events'],
    hasConsumer: true,
  },
  {
    id: 'event-sourcing',
    title: 'Event sourcing',
    promise: 'Append the event, the one and only write; the read model and shipping follow the log.',
    // Even the default shipping subscriber stores its checkpoint after the effect, so it can apply twice.
    worstAnomaly: 'duplicate-effect',
    participants: [
      { ...client, at: { col: 0, row: 0 } },
      { ...service, at: { col: 1, row: 0 } },
      { id: 'service-2', label: 'Order service 2', kind: 'service', process: true, at: { col: 2, row: 0 } },
      { id: 'event-store', label: 'Event store', kind: 'event-store', process: false, at: { col: 1, row: 1 } },
      { id: 'projector', label: 'Projector', kind: 'consumer', process: true, at: { col: 2, row: 1 } },
      { id: 'consumer', label: 'Shipping subscriber', kind: 'consumer', process: true, at: { col: 1, row: 2 } },
      { ...postgres, at: { col: 2, row: 2 } },
      // Runs in the rebuild variant only.
      { id: 'operator', label: 'Operator', kind: 'client', process: true, at: { col: 0, row: 1 } },
    ],
    variants: [
      {
        id: 'default',
        label: 'Checkpoint with the effect',
        worstAnomaly: 'duplicate-effect',
        summary:
          'Services fold the stream, decide and append with the revision they read; a conflict means read again. The projector commits the read model and its checkpoint together; shipping stores its checkpoint after the effect.',
      },
      {
        id: 'checkpoint-after',
        label: 'Projector checkpoint after the effect',
        worstAnomaly: 'duplicate-effect',
        summary: 'The projector stores its checkpoint in a second transaction. A crash between the two applies an event again: the read model runs ahead of the log.',
      },
      {
        id: 'rebuild',
        label: 'Rebuild the projection',
        worstAnomaly: 'duplicate-effect',
        summary: 'After the commands an operator starts a new projection version: the read model is emptied and the projector replays the whole log from position 0.',
      },
    ],
    tables: ['service.order_view', 'service.projection_checkpoint', 'consumer.shipments', 'consumer.processed_events', 'consumer.subscriber_checkpoint'],
    hasConsumer: true,
  },
  {
    id: 'persistent-subscription',
    title: 'Event store with a persistent subscription',
    promise: 'Append the event and nothing else; the store pushes it to a consumer group that writes Postgres.',
    // The default handler skips a malformed event, which loses it; every variant can lose one too.
    worstAnomaly: 'lost-event',
    participants: [
      { ...client, at: { col: 0, row: 0 } },
      { ...service, at: { col: 0, row: 1 } },
      { id: 'event-store', label: 'Event store', kind: 'event-store', process: true, at: { col: 1, row: 1 } },
      { id: 'consumer', label: 'Shipping handler', kind: 'consumer', process: true, at: { col: 2, row: 1 } },
      { ...postgres, at: { col: 2, row: 2 } },
      { id: 'operator', label: 'Operator', kind: 'client', process: true, at: { col: 1, row: 2 } },
    ],
    variants: [
      {
        id: 'default',
        label: 'Unique key, skip what cannot parse',
        worstAnomaly: 'lost-event',
        summary:
          'The handler acks a shipment the unique key refuses and skips a malformed event, which loses it. The checkpoint trails the acks: a restarted subscription delivers again from it, not "without reprocessing" as the seed says.',
      },
      {
        id: 'park-malformed',
        label: 'Park what cannot parse',
        worstAnomaly: 'lost-event',
        summary: 'A malformed event is parked in a durable stream; an operator replays it ahead of newer events. The body is still broken, so it parks again.',
      },
      {
        id: 'no-unique-constraint',
        label: 'No unique key',
        worstAnomaly: 'lost-event',
        summary: 'Shipments has no unique key: an event redelivered after a subscription restart ships twice unless the idempotency switch is on.',
      },
      {
        id: 'ack-on-error',
        label: 'Ack in the catch block',
        worstAnomaly: 'lost-event',
        summary: 'The handler catches its own errors and acks anyway: a moment of database downtime loses the event without a trace.',
      },
    ],
    tables: ['consumer.shipments', 'consumer.processed_events'],
    hasConsumer: true,
  },
  {
    id: 'cache-set',
    title: 'Cache-aside: SET after the write',
    promise: 'Commit the change to Postgres, then SET the new value in the cache.',
    worstAnomaly: 'stale-cache',
    participants: [
      { ...client, at: { col: 0, row: 1 } },
      { ...service, label: 'Writer', at: { col: 1, row: 0 } },
      { id: 'cache', label: 'Cache', kind: 'cache', process: false, at: { col: 1, row: 1 } },
      { id: 'service-2', label: 'Second writer', kind: 'service', process: true, at: { col: 1, row: 2 } },
      { id: 'reader', label: 'Reader', kind: 'service', process: true, at: { col: 2, row: 0 } },
      { ...postgres, at: { col: 2, row: 1 } },
    ],
    variants: [
      {
        id: 'default',
        label: 'SET after commit',
        worstAnomaly: 'stale-cache',
        summary:
          'Each writer commits, then SETs the row it wrote. Between the two, readers get the old value. A SET that fails or never runs keeps it until the TTL ends or the next write heals the key; two writers whose SETs land in the other order leave the older one.',
      },
    ],
    tables: ['service.orders'],
    hasConsumer: false,
    scriptedRequests: true,
  },
  {
    id: 'cache-delete',
    title: 'Cache-aside: DELETE after the write',
    promise: 'Commit the change to Postgres, then delete the cached key so the next read reloads it.',
    worstAnomaly: 'stale-cache',
    participants: [
      { ...client, at: { col: 0, row: 1 } },
      { ...service, label: 'Writer', at: { col: 1, row: 0 } },
      { id: 'cache', label: 'Cache', kind: 'cache', process: false, at: { col: 1, row: 1 } },
      { id: 'service-2', label: 'Second writer', kind: 'service', process: true, at: { col: 1, row: 2 } },
      { id: 'reader', label: 'Reader', kind: 'service', process: true, at: { col: 2, row: 0 } },
      { ...postgres, at: { col: 2, row: 1 } },
    ],
    variants: [
      {
        id: 'default',
        label: 'DEL after commit',
        worstAnomaly: 'stale-cache',
        summary:
          'Delete is not always safe. Two late DELs commute, so reordered writers leave no stale key behind, unlike SET; but until the late DEL lands, readers are served the old value. A DEL that fails or never runs keeps it until the TTL, not a miss; and a reader that read the old row before the commit and fills after the DEL puts it back.',
      },
    ],
    tables: ['service.orders'],
    hasConsumer: false,
    scriptedRequests: true,
  },
];

export function findPattern(id: string): PatternInfo | undefined {
  return PATTERN_CATALOG.find((p) => p.id === id);
}

export function patternIds(): PatternId[] {
  return PATTERN_CATALOG.map((p) => p.id);
}
