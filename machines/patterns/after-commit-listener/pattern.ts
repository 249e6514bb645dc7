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
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import type { TableSnapshot } from '../../kernel/types';
import { CLIENT_PARTICIPANT, clientProcess } from '../../actors/client';
import { createSingleWriteServiceMachine, type OrderServiceContext, SERVICE_PARTICIPANT } from '../../actors/order-service';
import { consumerProcess } from '../../actors/consumer';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { currentOrder, firstOrder, ordersOf } from '../../actors/orders-concerned';
import { CONSUMER_TABLES, ORDERS_TABLE } from '../../actors/postgres';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { definePattern, type InspectionSources } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { amountFor, insertOrder } from '../../actors/order-writes';

export const LISTENER_PARTICIPANT = 'listener';
export const REGISTRY_VARIANT = 'registry';

/**
 * What the registry does with a publication once it is sent: Spring Modulith's completion modes
 * (1.3+). UPDATE (the default) sets completion_date and keeps the row; DELETE removes it; ARCHIVE
 * moves it to an archive table. The variants `registry-delete` and `registry-archive` run the
 * other two, otherwise as `registry`.
 */
type CompletionMode = 'update' | 'delete' | 'archive';
const COMPLETION_MODES: Readonly<Record<string, CompletionMode>> = { registry: 'update', 'registry-delete': 'delete', 'registry-archive': 'archive' };
const completionModeOf = (variant: string): CompletionMode | null => (Object.hasOwn(COMPLETION_MODES, variant) ? COMPLETION_MODES[variant]! : null);
/** The listener name Spring Modulith would store: which listener each publication is for. */
const LISTENER_ID = 'shipping.OrderPlacedPublisher';

/** Spring Modulith's registry, reduced to what the lab needs. Created in both variants (empty in the default). */
export const EVENT_PUBLICATION_TABLE = `CREATE TABLE service.event_publication (
  id serial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  listener text NOT NULL,
  serialized_event text NOT NULL,
  publication_date timestamptz NOT NULL,
  completion_date timestamptz
)`;

/** Where ARCHIVE moves completed publications (Spring Modulith's event_publication_archive). */
export const EVENT_PUBLICATION_ARCHIVE_TABLE = `CREATE TABLE service.event_publication_archive (
  id integer PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  listener text NOT NULL,
  serialized_event text NOT NULL,
  publication_date timestamptz NOT NULL,
  completion_date timestamptz NOT NULL
)`;

/** What the service hands to the listener after its commit. */
interface HandedOffEvent {
  eventId: string;
  orderId: number;
  /** The registry row for it, in the `registry` variant. */
  publicationId: number | null;
  /** Read back from the registry on restart rather than handed over by a commit. */
  republished?: boolean;
}

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

// ---- the in-process listener ----------------------------------------------------------------

interface ListenerContext {
  registry: boolean;
  /** Events handed over and not yet sent: memory only. */
  pending: HandedOffEvent[];
}

type ListenerEvent =
  | { type: 'AFTER_COMMIT'; event: HandedOffEvent }
  | { type: 'SENT' }
  | { type: 'SEND_FAILED' }
  | { type: 'COMPLETED' }
  | { type: 'INCOMPLETE_FOUND'; events: HandedOffEvent[] }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

export function createListenerMachine(registry: boolean) {
  const fresh = (): ListenerContext => ({ registry, pending: [] });
  const next = [{ guard: 'moreAfterThis', target: 'sending', reenter: true, actions: 'dropFirst' }, { target: 'idle', actions: 'dropFirst' }] as const;
  return setup({
    types: { context: {} as ListenerContext, events: {} as ListenerEvent },
    guards: {
      hasPending: ({ context }) => context.pending.length > 0,
      moreAfterThis: ({ context }) => context.pending.length > 1,
      usesRegistry: ({ context }) => context.registry,
    },
    actions: {
      enqueue: assign({ pending: ({ context, event }) => (event.type === 'AFTER_COMMIT' ? [...context.pending, event.event] : context.pending) }),
      dropFirst: assign({ pending: ({ context }) => context.pending.slice(1) }),
      takeIncomplete: assign({ pending: ({ context, event }) => (event.type === 'INCOMPLETE_FOUND' ? [...event.events, ...context.pending] : context.pending) }),
      forgetEverything: assign(fresh),
    },
  }).createMachine({
    id: LISTENER_PARTICIPANT,
    context: fresh,
    initial: 'idle',
    states: {
      idle: { tags: ['idle'], always: { guard: 'hasPending', target: 'sending' } },
      sending: {
        meta: { op: 'send' },
        on: {
          SENT: [{ guard: 'usesRegistry', target: 'completing' }, ...next],
          // Logged and dropped: nothing in memory remembers it (the registry row, if any, stays incomplete).
          SEND_FAILED: next,
        },
      },
      completing: { meta: { op: 'complete-publication' }, on: { COMPLETED: next } },
      // On restart the registry variant republishes every incomplete publication.
      resubmitting: { meta: { op: 'republish-incomplete' }, on: { INCOMPLETE_FOUND: { target: 'idle', actions: 'takeIncomplete' } } },
      [CRASHED_STATE]: {
        meta: { op: 'restart', delay: 'restartMs' },
        on: {
          RESTARTED: [
            { guard: 'usesRegistry', target: 'resubmitting', actions: 'forgetEverything' },
            { target: 'idle', actions: 'forgetEverything' },
          ],
        },
      },
    },
    on: { AFTER_COMMIT: { actions: 'enqueue' }, CRASH: `.${CRASHED_STATE}` },
  });
}

const send: Operation<ListenerContext> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `sending OrderPlaced for order ${context.pending[0]?.orderId ?? '?'}`,
  about: (context) => firstOrder(context.pending),
  async run(ctx) {
    const event = ctx.context.pending[0]!;
    const outcome = ctx.broker.publish({ topic: ORDERS_TOPIC, key: String(event.orderId), eventId: event.eventId, eventType: 'OrderPlaced', orderId: event.orderId });
    if (!outcome.ok) {
      return {
        event: { type: 'SEND_FAILED' },
        caption: ctx.context.registry
          ? `The send for order ${event.orderId} fails; its publication stays incomplete until a restart.`
          : `The send for order ${event.orderId} fails; the listener logs it, the event is gone.`,
      };
    }
    return {
      event: { type: 'SENT' },
      caption: event.republished
        ? `The listener republishes order ${event.orderId}'s incomplete publication to the broker.`
        : `The listener publishes OrderPlaced for order ${event.orderId} after the commit.`,
    };
  },
};

interface CompletionStatement {
  label: string;
  sql: string;
  /** The statement's parameters from the publication's id and the completion time. */
  params: (id: number, at: string) => (number | string)[];
  caption: string;
}

const COMPLETION_SQL: Record<CompletionMode, CompletionStatement> = {
  update: {
    label: 'complete publication',
    sql: 'UPDATE service.event_publication SET completion_date = $2 WHERE id = $1',
    params: (id, at) => [id, at],
    caption: 'marks order N\'s publication completed; the row stays',
  },
  delete: {
    label: 'delete completed publication',
    sql: 'DELETE FROM service.event_publication WHERE id = $1',
    params: (id) => [id],
    caption: 'deletes order N\'s completed publication',
  },
  archive: {
    label: 'archive completed publication',
    // One statement, so the move is atomic without a transaction of its own.
    sql: `WITH moved AS (DELETE FROM service.event_publication WHERE id = $1 RETURNING id, event_id, listener, serialized_event, publication_date)
          INSERT INTO service.event_publication_archive SELECT id, event_id, listener, serialized_event, publication_date, $2 FROM moved`,
    params: (id, at) => [id, at],
    caption: 'moves order N\'s publication to the archive',
  },
};

function completePublication(mode: CompletionMode): Operation<ListenerContext> {
  const { label, sql, params, caption } = COMPLETION_SQL[mode];
  return {
    faults: ['commit-unknown'],
    crashable: true,
    latencyMs: 3,
    intent: (context) => `marking the publication of order ${context.pending[0]?.orderId ?? '?'} completed`,
    about: (context) => firstOrder(context.pending),
    async run(ctx) {
      const event = ctx.context.pending[0]!;
      const result = await ctx.db.statement(`${label} ${event.publicationId}`, sql, params(event.publicationId!, ctx.timestamp()));
      return {
        event: { type: 'COMPLETED' },
        caption: result.ok
          ? `The listener ${caption.replace('order N', `order ${event.orderId}`)}.`
          : `The listener cannot tell whether order ${event.orderId}'s publication was completed.`,
      };
    },
  };
}

const republishIncomplete: Operation<ListenerContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'reading incomplete publications',
  async run(ctx) {
    const result = await ctx.db.statement<{ id: number; event_id: string; serialized_event: string }>(
      'read incomplete publications',
      'SELECT id, event_id, serialized_event FROM service.event_publication WHERE completion_date IS NULL ORDER BY id',
    );
    const rows = result.ok ? result.value.rows : [];
    const events: HandedOffEvent[] = rows.map((r) => ({
      eventId: r.event_id,
      orderId: Number((JSON.parse(r.serialized_event) as { orderId: number }).orderId),
      publicationId: Number(r.id),
      republished: true,
    }));
    return {
      event: { type: 'INCOMPLETE_FOUND', events },
      orders: ordersOf(events),
      caption:
        events.length === 0
          ? 'On restart the listener finds no incomplete publications.'
          : `On restart the listener republishes ${events.length} incomplete publication${events.length === 1 ? '' : 's'}.`,
    };
  },
};

// ---- live views -----------------------------------------------------------------------------

function listenerMemory(context: unknown): TableSnapshot {
  const pending = (context as ListenerContext | undefined)?.pending ?? [];
  return {
    name: 'listener memory',
    note: 'Events handed over after commit and not yet sent. A crash of the process forgets them.',
    columns: ['event_id', 'order_id', 'publication_id'],
    rows: pending.map((e) => ({ event_id: e.eventId, order_id: e.orderId, publication_id: e.publicationId })),
  };
}

const REGISTRY_NOTES: Record<CompletionMode, string> = {
  update: 'Completed entries are never deleted here: the table grows by one row per event until a purge job removes them.',
  delete: 'Completed entries are deleted: the table holds only incomplete publications, and no record of what was sent.',
  archive: 'Completed entries move to event_publication_archive: the registry stays small, the archive grows until purged.',
};

async function registrySize(sources: InspectionSources, mode: CompletionMode): Promise<TableSnapshot> {
  const counts = await sources.runner.query<{ total: number; completed: number; incomplete: number }>(
    `SELECT count(*)::int AS total, count(completion_date)::int AS completed, (count(*) - count(completion_date))::int AS incomplete
     FROM service.event_publication`,
  );
  const row = counts.rows[0]!;
  const archived = mode === 'archive' ? Number((await sources.runner.query<{ n: number }>('SELECT count(*)::int AS n FROM service.event_publication_archive')).rows[0]!.n) : null;
  return {
    name: 'publication registry size',
    note: REGISTRY_NOTES[mode],
    columns: ['rows', 'completed', 'incomplete', ...(archived === null ? [] : ['archived'])],
    rows: [{ rows: Number(row.total), completed: Number(row.completed), incomplete: Number(row.incomplete), ...(archived === null ? {} : { archived }) }],
  };
}


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
    return [
      {
        id: SERVICE_PARTICIPANT,
        machine: createAfterCommitService(registry),
        operations: { 'write-order': writeOrder, restart: restartOperation('Order service') },
      },
      {
        id: LISTENER_PARTICIPANT,
        machine: createListenerMachine(registry),
        inProcessWith: SERVICE_PARTICIPANT,
        operations: {
          send,
          'complete-publication': completePublication(mode ?? 'update'),
          'republish-incomplete': republishIncomplete,
          restart: restartOperation('After-commit listener'),
        },
      },
      consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
    ];
  },
});
