/**
 * after-commit-listener — the service hands OrderPlaced to an in-process listener that runs only
 * once the transaction has committed (Spring's @TransactionalEventListener(AFTER_COMMIT), or a
 * commit hook). A rolled-back transaction sends nothing, which fixes the phantom. But the hand-off
 * lives in memory: a crash after the commit, or a send that fails, still loses the event.
 *
 * Variant `registry` (Spring Modulith's event publication registry): the publication is first
 * written to `service.event_publication` in the same transaction as the order, the listener marks
 * it completed after the send, and on restart the process republishes every incomplete one. The
 * costs show in the lab: completed entries pile up until something purges them, a republish of a
 * send that was stored but not yet marked completed delivers the event twice, and a failed send
 * waits, incomplete, for the next restart.
 *
 * The listener is its own participant so its steps show, but it runs inside the service's
 * process (`inProcessWith`): when one crashes, the other goes down with it.
 */
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { CLIENT_PARTICIPANT, clientProcess } from '../../actors/client';
import { createSingleWriteServiceMachine, type OrderServiceContext, SERVICE_PARTICIPANT } from '../../actors/order-service';
import { consumerProcess } from '../../actors/consumer';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { currentOrder } from '../../actors/orders-concerned';
import { CONSUMER_TABLES, ORDERS_TABLE } from '../../actors/postgres';
import { restartOperation } from '../../actors/process';
import { definePattern } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { createListenerMachine, LISTENER_PARTICIPANT, listenerMemory, send } from './listener';
import { SCHEDULER_PARTICIPANT, SECOND_SCHEDULER_PARTICIPANT, schedulerProcess } from './scheduler';
import {
  completePublication,
  completionModeOf,
  EVENT_PUBLICATION_ARCHIVE_TABLE,
  EVENT_PUBLICATION_TABLE,
  type HandedOffEvent,
  LISTENER_ID,
  registrySize,
  republishIncomplete,
} from './registry';

export { LISTENER_PARTICIPANT } from './listener';
export { EVENT_PUBLICATION_ARCHIVE_TABLE, EVENT_PUBLICATION_TABLE } from './registry';
import { amountFor, insertOrder } from '../../actors/order-writes';

export const REGISTRY_VARIANT = 'registry';

// ---- the order service ----------------------------------------------------------------------

interface ServiceContext extends OrderServiceContext {
  registry: boolean;
}


export function createAfterCommitService(registry: boolean) {
  return createSingleWriteServiceMachine<ServiceContext>(() => ({ queue: [], current: null, registry }));
}

const writeOrder: Operation<ServiceContext> = {
  faults: ['db-write-fails', 'commit-unknown'],
  crashable: true,
  latencyMs: 5,
  intent: (context) => `writing order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const eventId = ctx.nextId('evt');
    const at = ctx.timestamp();
    const { registry } = ctx.context;
    const written = await ctx.db.transaction(`insert order ${request.orderId}${registry ? ' + publication' : ''}`, async (tx) => {
      await insertOrder(tx, request, amountFor(request, ctx), at);
      if (!registry) return null;
      const row = await tx.query<{ id: number }>(
        `INSERT INTO service.event_publication (event_id, listener, serialized_event, publication_date)
         VALUES ($1, $2, $3, $4) RETURNING id`,
        [eventId, LISTENER_ID, JSON.stringify({ type: 'OrderPlaced', orderId: request.orderId }), at],
      );
      return Number(row.rows[0]!.id);
    });
    if (!written.ok) {
      // The commit threw (rolled back, or its outcome is unknown): afterCommit hooks do not run.
      ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: '500 Internal Server Error', ok: false });
      return {
        event: { type: 'WRITE_FAILED' },
        caption: written.committed
          ? `The commit of order ${request.orderId} reports an error, so the listener never runs.`
          : `Postgres rolls back order ${request.orderId}; the after-commit listener gets nothing.`,
      };
    }
    const handedOff: HandedOffEvent = { eventId, orderId: request.orderId, publicationId: written.value };
    ctx.emit({ from: 'service', to: LISTENER_PARTICIPANT, kind: 'request', label: `after commit: OrderPlaced (order ${request.orderId})`, ok: true });
    ctx.send(LISTENER_PARTICIPANT, { type: 'AFTER_COMMIT', event: handedOff });
    ctx.emit({ from: 'service', to: CLIENT_PARTICIPANT, kind: 'reply', label: `201 Created (order ${request.orderId})`, ok: true });
    return {
      event: { type: 'WRITTEN' },
      caption: registry
        ? `The service commits order ${request.orderId} with its publication row, then hands it over.`
        : `The service commits order ${request.orderId} and hands OrderPlaced to its listener.`,
    };
  },
};

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: (variant) => [ORDERS_TABLE, EVENT_PUBLICATION_TABLE, ...(completionModeOf(variant) === 'archive' ? [EVENT_PUBLICATION_ARCHIVE_TABLE] : []), ...CONSUMER_TABLES],
  inspect: async (sources, variant) => {
    const mode = completionModeOf(variant);
    return [listenerMemory(sources.contexts[LISTENER_PARTICIPANT]), ...(mode ? [await registrySize(sources, mode)] : [])];
  },
  processes: (scenario): ProcessSpec[] => {
    const mode = completionModeOf(scenario.variant);
    const registry = mode !== null;
    // Spring Modulith's recommended set-up: no republish on restart, a scheduler resubmits instead.
    const scheduled = scenario.variant === 'resubmit' || scenario.variant === 'two-instances';
    const schedulers = scheduled
      ? [
          schedulerProcess(SCHEDULER_PARTICIPANT, 'Resubmission scheduler', SERVICE_PARTICIPANT),
          ...(scenario.variant === 'two-instances' ? [schedulerProcess(SECOND_SCHEDULER_PARTICIPANT, 'Scheduler, instance 2')] : []),
        ]
      : [];
    return [
      {
        id: SERVICE_PARTICIPANT,
        machine: createAfterCommitService(registry),
        operations: { 'write-order': writeOrder, restart: restartOperation('Order service') },
      },
      {
        id: LISTENER_PARTICIPANT,
        machine: createListenerMachine(registry, scheduled ? 'scheduler' : 'restart'),
        inProcessWith: SERVICE_PARTICIPANT,
        operations: {
          send,
          'complete-publication': completePublication(mode ?? 'update'),
          'republish-incomplete': republishIncomplete,
          restart: restartOperation('After-commit listener'),
        },
      },
      ...schedulers,
      consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
    ];
  },
});
