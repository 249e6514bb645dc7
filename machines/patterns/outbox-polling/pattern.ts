/**
 * outbox-polling — the service writes the order and an outbox row in one transaction, so both
 * exist or neither does. A separate relay polls the outbox and publishes. Nothing is lost any
 * more; the price is that a relay crash between publish and mark sends the event twice.
 *
 * Variants change the relay: `id-cursor` polls `WHERE id > last_seen` (and loses a row whose
 * lower id commits late), `competing-relays` runs two relays that claim rows with leases (and
 * publish one order's events out of order), `auto-commit` keeps the default relay but lets the
 * consumer's offsets be committed before its effects (and lose an event to a crash in between),
 * `notify` wakes the relay with LISTEN / NOTIFY and keeps a slow poll for what it missed.
 */
import type { Operation } from '../../kernel/pattern';
import { CLIENT_PARTICIPANT, clientProcess } from '../../actors/client';
import { createSingleWriteServiceMachine, type OrderServiceContext, SERVICE_PARTICIPANT } from '../../actors/order-service';
import { APPLIED_EVENTS_TABLE, consumerProcess } from '../../actors/consumer';
import { claimingRelayProcess, claimsInspection, OUTBOX_CLAIM_COLUMNS } from '../../actors/claiming-relay';
import { idCursorRelayMemory, idCursorRelayProcess } from '../../actors/id-cursor-relay';
import { idCursorServiceProcess } from './id-cursor-service';
import { ORDERS_TOPIC, pollingRelayProcess, RELAY_PARTICIPANT, relayMemory } from '../../actors/outbox-relay';
import { currentOrder } from '../../actors/orders-concerned';
import { CONSUMER_TABLES, ORDERS_TABLE, OUTBOX_PENDING_INDEX, OUTBOX_TABLE } from '../../actors/postgres';
import { restartOperation } from '../../actors/process';
import { definePattern } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { deliverOutboxNotifications, notifiedRelayProcess, OUTBOX_CHANNEL } from '../../actors/notified-relay';
import { amountFor, insertOrder } from '../../actors/order-writes';

type ServiceContext = OrderServiceContext;

export const outboxService = createSingleWriteServiceMachine<ServiceContext>(() => ({ queue: [], current: null }));

/**
 * The service's one transaction: the order and one outbox row per event. The default writes
 * OrderPlaced only; competing relays need a second event of the same order to show its order.
 */
const writeOrderAndOutbox = (eventTypes: readonly string[], { notify = false } = {}): Operation<ServiceContext> => ({
  faults: ['db-write-fails', 'commit-unknown'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `writing order ${context.current?.orderId ?? '?'} and its outbox row${eventTypes.length === 1 ? '' : 's'}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const eventIds = eventTypes.map(() => ctx.nextId('evt'));
    const at = ctx.timestamp();
    const rows = eventTypes.length === 1 ? 'outbox row' : `${eventTypes.length} outbox rows`;
    const written = await ctx.db.transaction(`insert order ${request.orderId} + ${rows}`, async (tx) => {
      await insertOrder(tx, request, amountFor(request, ctx), at);
      for (const [i, eventType] of eventTypes.entries()) {
        await tx.query(
          `INSERT INTO service.outbox (event_id, aggregate_type, aggregate_id, event_type, payload, created_at)
           VALUES ($1, 'Order', $2, $3, $4, $5)`,
          [eventIds[i]!, String(request.orderId), eventType, JSON.stringify({ orderId: request.orderId, amountCents: request.amountCents }), at],
        );
      }
      // Queued with the transaction: Postgres sends it on COMMIT and drops it on ROLLBACK.
      if (notify) await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, eventIds.join(',')]);
    });
    // Whatever the service heard back, a commit that took effect delivered its notification.
    deliverOutboxNotifications(ctx, written.notifications);
    if (!written.ok) {
      ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'WRITE_FAILED' },
        caption: written.committed
          ? `The service sees an error, though order ${request.orderId} committed with its ${rows}.`
          : `Postgres rejects order ${request.orderId}; the order and its ${rows} all roll back.`,
      };
    }
    ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
    return {
      event: { type: 'WRITTEN' },
      caption:
        eventTypes.length === 1
          ? `The service commits order ${request.orderId} and its outbox row in one transaction.`
          : `The service commits order ${request.orderId} with ${eventTypes.join(' and ')} rows.`,
    };
  },
});


export const SECOND_RELAY_PARTICIPANT = 'relay-2';

/** The service writing the order and one outbox row per event type; the inbox pattern reuses it. */
export function serviceProcess(eventTypes: readonly string[], options: { notify?: boolean } = {}) {
  return {
    id: SERVICE_PARTICIPANT,
    machine: outboxService,
    operations: { 'write-order': writeOrderAndOutbox(eventTypes, options), restart: restartOperation('Order service') },
  };
}

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: (variant) => [
    ORDERS_TABLE,
    OUTBOX_TABLE,
    OUTBOX_PENDING_INDEX,
    ...(variant === 'competing-relays' ? [OUTBOX_CLAIM_COLUMNS] : []),
    ...CONSUMER_TABLES,
    // Every variant has the table (the catalogue lists it); only competing relays' consumer fills it.
    APPLIED_EVENTS_TABLE,
  ],
  // The session's LISTEN outlives a run; each notify run starts with nobody listening, so it
  // cannot depend on the runs before it.
  prepareRun: async (runner, variant) => {
    if (variant === 'notify') await runner.exec('UNLISTEN *');
  },
  inspect: async ({ contexts, runner }, variant) => {
    if (variant === 'id-cursor') return [idCursorRelayMemory(contexts[RELAY_PARTICIPANT])];
    if (variant === 'competing-relays') {
      return [
        { ...relayMemory(contexts[RELAY_PARTICIPANT]), name: 'relay memory' },
        { ...relayMemory(contexts[SECOND_RELAY_PARTICIPANT]), name: 'relay-2 memory' },
        await claimsInspection(runner),
      ];
    }
    return [relayMemory(contexts[RELAY_PARTICIPANT])];
  },
  processes: ({ variant }) => {
    if (variant === 'id-cursor') {
      return [idCursorServiceProcess(), idCursorRelayProcess('Outbox relay'), consumerProcess(ORDERS_TOPIC, 'Shipping consumer')];
    }
    if (variant === 'competing-relays') {
      return [
        serviceProcess(['OrderPlaced', 'OrderConfirmed']),
        claimingRelayProcess(RELAY_PARTICIPANT, 'Outbox relay'),
        claimingRelayProcess(SECOND_RELAY_PARTICIPANT, 'Outbox relay 2'),
        consumerProcess(ORDERS_TOPIC, 'Shipping consumer', { recordApplied: true }),
      ];
    }
    if (variant === 'notify') {
      return [serviceProcess(['OrderPlaced'], { notify: true }), notifiedRelayProcess('Outbox relay'), consumerProcess(ORDERS_TOPIC, 'Shipping consumer')];
    }
    return [
      serviceProcess(['OrderPlaced']),
      pollingRelayProcess('Outbox relay'),
      consumerProcess(ORDERS_TOPIC, 'Shipping consumer', { autoCommit: variant === 'auto-commit' }),
    ];
  },
});
