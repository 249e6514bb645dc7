/**
 * two-phase-commit — a coordinator makes Postgres and the broker agree with XA-style two-phase
 * commit. Phase one asks each participant to prepare (Postgres: a real `PREPARE TRANSACTION`,
 * which keeps the order's locks); only when all vote yes does it log "commit" and, in phase two,
 * send `COMMIT PREPARED` and the broker's commit. Between the two phases the participants cannot
 * decide on their own: if the coordinator dies there, they wait, in doubt, holding their locks,
 * and every writer that needs those rows is refused until it returns and recovers from its log.
 *
 * The default broker can prepare (a prepared message is stored but invisible until committed), so
 * a fault-free run commits every order: a first run shows the protocol working. The `kafka-broker`
 * variant is a log with no prepare, like Kafka: it cannot enlist, so every global transaction
 * aborts — consistent, and nothing works.
 *
 * "Participants wait indefinitely" is looser than what happens: they wait until the coordinator
 * is back and reads its log — here a simulated 1.5 s restart — and then recovery commits what was
 * logged "commit" and rolls back the rest (no logged decision means none was made). Only a
 * coordinator that never returns, or loses its log, leaves them blocked for good (then an operator
 * must decide).
 */
import { assign, setup } from 'xstate';
import type { Operation, OperationContext, ProcessSpec } from '../../kernel/pattern';
import type { BrokerCapability, OutgoingMessage } from '../../actors/broker';
import { CLIENT_PARTICIPANT, clientProcess, type OrderRequest } from '../../actors/client';
import { consumerProcess } from '../../actors/consumer';
import {
  idleState,
  orderServiceImplementations,
  orderServiceRootTransitions,
  SERVICE_PARTICIPANT,
  serviceCrashedState,
  type OrderServiceContext,
  type OrderServiceEvent,
} from '../../actors/order-service';
import { ORDERS_TOPIC } from '../../actors/outbox-relay';
import { currentOrder } from '../../actors/orders-concerned';
import { CONSUMER_TABLES, ORDERS_TABLE } from '../../actors/postgres';
import { CRASHED_STATE, restartOperation } from '../../actors/process';
import { definePattern } from '../../kernel/pattern';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { info } from './info';
import { amountFor, insertOrder } from '../../actors/order-writes';
import { inDoubtInspections } from './inspections';

export const COORDINATOR_PARTICIPANT = 'coordinator';
/** Every order takes one unit of the same item: one hot row every order's transaction locks. */
export const SKU = 'widget';
const INITIAL_STOCK = 10;

const STOCK_TABLE = `CREATE TABLE service.stock (
  sku text PRIMARY KEY,
  qty integer NOT NULL CHECK (qty >= 0)
)`;
/** The coordinator's durable log: a global transaction is committed once its decision is here. */
const TX_LOG_TABLE = `CREATE TABLE service.tx_log (
  gid text PRIMARY KEY,
  decision text NOT NULL,
  logged_at timestamptz NOT NULL
)`;

function gidFor(orderId: number): string {
  return `gx-${orderId}`;
}

function orderOfGid(gid: string): number {
  return Number(gid.slice('gx-'.length));
}

function capabilityOf(variant: string): BrokerCapability {
  return variant === 'kafka-broker' ? 'log-only' : 'xa';
}

function eventFor(request: OrderRequest): OutgoingMessage {
  return { topic: ORDERS_TOPIC, key: String(request.orderId), eventId: `evt-${request.orderId}`, eventType: 'OrderPlaced', orderId: request.orderId };
}

// ─── The order service: reserves stock, then hands the order to the coordinator ─────────────────

type ServiceEvent = OrderServiceEvent | { type: 'HANDED_OVER' } | { type: 'REFUSED' };
const freshService = (): OrderServiceContext => ({ queue: [], current: null });
const serviceShared = orderServiceImplementations<OrderServiceContext, ServiceEvent>(freshService);

export const twoPhaseService = setup({
  types: { context: {} as OrderServiceContext, events: {} as ServiceEvent },
  guards: serviceShared.guards,
  actions: { ...serviceShared.actions, finishRequest: assign({ current: null }) },
}).createMachine({
  id: SERVICE_PARTICIPANT,
  context: freshService,
  initial: 'idle',
  states: {
    idle: idleState('checking-stock'),
    'checking-stock': {
      meta: { op: 'check-stock' },
      on: { HANDED_OVER: { target: 'idle', actions: 'finishRequest' }, REFUSED: { target: 'idle', actions: 'finishRequest' } },
    },
    [CRASHED_STATE]: serviceCrashedState,
  },
  on: orderServiceRootTransitions,
});

/**
 * The service locks the stock row to see it can sell one — with NOWAIT, because a plain wait on
 * a row an in-doubt transaction holds would never end (nobody else can release it).
 */
const checkStock: Operation<OrderServiceContext> = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `checking stock for order ${context.current?.orderId ?? '?'}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const probe = await ctx.db.statement(`lock stock for order ${request.orderId}`, 'SELECT qty FROM service.stock WHERE sku = $1 FOR UPDATE NOWAIT', [SKU]);
    if (!probe.ok) {
      const holders = await ctx.db.statement<{ gid: string }>('who holds it', 'SELECT gid FROM pg_prepared_xacts ORDER BY gid');
      const gids = holders.ok ? holders.value.rows.map((r) => r.gid).join(', ') : '';
      ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: '503 Service Unavailable (stock locked)', ok: false });
      return {
        event: { type: 'REFUSED' },
        caption: `The service cannot lock the stock row: in-doubt ${gids || 'transaction'} holds it.`,
      };
    }
    ctx.emit({ from: SERVICE_PARTICIPANT, to: COORDINATOR_PARTICIPANT, kind: 'request', label: `begin global transaction ${gidFor(request.orderId)}`, ok: true });
    if (!ctx.send(COORDINATOR_PARTICIPANT, { type: 'RUN', request })) {
      ctx.emit({ from: SERVICE_PARTICIPANT, to: CLIENT_PARTICIPANT, kind: 'reply', label: '503 Service Unavailable (no coordinator)', ok: false });
      return { event: { type: 'REFUSED' }, caption: `The coordinator is down: the service turns order ${request.orderId} away.` };
    }
    return { event: { type: 'HANDED_OVER' }, caption: `The service asks the coordinator to place order ${request.orderId}.` };
  },
};

// ─── The coordinator ──────────────────────────────────────────────────────────────────────────────

interface CoordinatorContext {
  queue: OrderRequest[];
  current: OrderRequest | null;
}

type CoordinatorEvent =
  | { type: 'RUN'; request: OrderRequest }
  | { type: 'PREPARED' }
  | { type: 'VOTED_NO' }
  | { type: 'BROKER_PREPARED' }
  | { type: 'BROKER_REFUSED' }
  | { type: 'LOGGED' }
  | { type: 'DB_COMMITTED' }
  | { type: 'BROKER_COMMITTED' }
  | { type: 'BROKER_COMMIT_FAILED' }
  | { type: 'ROLLED_BACK' }
  | { type: 'RECOVERED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const freshCoordinator = (): CoordinatorContext => ({ queue: [], current: null });

export const coordinatorMachine = setup({
  types: { context: {} as CoordinatorContext, events: {} as CoordinatorEvent },
  guards: { hasQueued: ({ context }) => context.queue.length > 0 },
  actions: {
    enqueue: assign(({ context, event }) => (event.type === 'RUN' ? { queue: [...context.queue, event.request] } : {})),
    take: assign(({ context }) => ({ current: context.queue[0]!, queue: context.queue.slice(1) })),
    finish: assign({ current: null }),
  },
}).createMachine({
  id: COORDINATOR_PARTICIPANT,
  context: freshCoordinator,
  initial: 'idle',
  states: {
    idle: { tags: ['idle'], always: { guard: 'hasQueued', target: 'preparing-db', actions: 'take' } },
    'preparing-db': { meta: { op: 'prepare-db' }, on: { PREPARED: 'preparing-broker', VOTED_NO: { target: 'idle', actions: 'finish' } } },
    'preparing-broker': { meta: { op: 'prepare-broker' }, on: { BROKER_PREPARED: 'logging-commit', BROKER_REFUSED: 'aborting' } },
    'logging-commit': { meta: { op: 'log-commit' }, on: { LOGGED: 'committing-db' } },
    'committing-db': { meta: { op: 'commit-db' }, on: { DB_COMMITTED: 'committing-broker' } },
    // The decision is made: phase two is retried until the broker takes it, never undone.
    'committing-broker': {
      meta: { op: 'commit-broker' },
      on: { BROKER_COMMITTED: { target: 'idle', actions: 'finish' }, BROKER_COMMIT_FAILED: 'retrying-broker-commit' },
    },
    'retrying-broker-commit': {
      meta: { op: 'commit-broker', delay: 'relayPollMs' },
      on: { BROKER_COMMITTED: { target: 'idle', actions: 'finish' }, BROKER_COMMIT_FAILED: { target: 'retrying-broker-commit', reenter: true } },
    },
    aborting: { meta: { op: 'rollback-db' }, on: { ROLLED_BACK: { target: 'idle', actions: 'finish' } } },
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'recovering', actions: assign(freshCoordinator) } } },
    // Back from a crash: finish every global transaction its log and the participants know of.
    recovering: { meta: { op: 'recover' }, on: { RECOVERED: 'idle' } },
  },
  on: { RUN: { actions: 'enqueue' }, CRASH: `.${CRASHED_STATE}` },
});

function replyToClient(ctx: Pick<OperationContext<unknown>, 'emit'>, orderId: number, ok: boolean): void {
  ctx.emit({
    from: COORDINATOR_PARTICIPANT,
    to: CLIENT_PARTICIPANT,
    kind: 'reply',
    label: ok ? `201 Created (order ${orderId})` : `503 Service Unavailable (order ${orderId} aborted)`,
    ok,
  });
}

const prepareDb: Operation<CoordinatorContext> = {
  faults: ['db-write-fails'],
  crashable: true,
  latencyMs: 6,
  intent: (context) => `asking Postgres to prepare ${gidFor(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const gid = gidFor(request.orderId);
    const prepared = await ctx.db.prepare(`prepare ${gid}: order ${request.orderId} + stock`, gid, async (tx) => {
      // NOWAIT: a lock held by another in-doubt transaction is a "no" vote, not an endless wait.
      await tx.query('SELECT qty FROM service.stock WHERE sku = $1 FOR UPDATE NOWAIT', [SKU]);
      await insertOrder(tx, request, amountFor(request, ctx), ctx.timestamp());
      await tx.query('UPDATE service.stock SET qty = qty - 1 WHERE sku = $1', [SKU]);
    });
    if (!prepared.ok) {
      replyToClient(ctx, request.orderId, false);
      return { event: { type: 'VOTED_NO' }, caption: `Postgres votes no on ${gid} and rolls back; order ${request.orderId} fails.` };
    }
    return { event: { type: 'PREPARED' }, caption: `Postgres prepares ${gid}: order ${request.orderId} is in doubt, its locks held.` };
  },
};

const prepareBroker = (capability: BrokerCapability): Operation<CoordinatorContext> => ({
  // A log-only broker refuses whatever happens, so no publish fault has anything to strike there.
  faults: capability === 'xa' ? ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'] : [],
  crashable: true,
  latencyMs: 4,
  intent: (context) => `asking the broker to prepare ${gidFor(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const gid = gidFor(request.orderId);
    const vote = ctx.broker.prepare(gid, eventFor(request), capability);
    if (!vote.ok) {
      return {
        event: { type: 'BROKER_REFUSED' },
        caption:
          capability === 'log-only'
            ? `The broker cannot enlist in ${gid}: a log has no prepare; the coordinator aborts.`
            : `The broker fails to prepare ${gid} (${vote.error}); the coordinator aborts.`,
      };
    }
    return { event: { type: 'BROKER_PREPARED' }, caption: `The broker prepares ${gid}: OrderPlaced stored, invisible to consumers.` };
  },
});

const logCommit: Operation<CoordinatorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `logging its commit decision for ${gidFor(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const gid = gidFor(ctx.context.current!.orderId);
    await ctx.db.statement(`log commit of ${gid}`, `INSERT INTO service.tx_log (gid, decision, logged_at) VALUES ($1, 'commit', $2)`, [gid, ctx.timestamp()]);
    return { event: { type: 'LOGGED' }, caption: `Both voted yes: the coordinator logs "commit ${gid}".` };
  },
};

const commitDb: Operation<CoordinatorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `sending COMMIT PREPARED for ${gidFor(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const gid = gidFor(ctx.context.current!.orderId);
    await ctx.db.statement(`commit ${gid}`, `COMMIT PREPARED '${gid}'`);
    return { event: { type: 'DB_COMMITTED' }, caption: `Postgres commits ${gid}; its locks are released.` };
  },
};

const commitBroker: Operation<CoordinatorContext> = {
  faults: ['broker-unavailable', 'publish-timeout-stored', 'publish-timeout-lost'],
  crashable: true,
  latencyMs: 4,
  intent: (context) => `telling the broker to commit ${gidFor(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const gid = gidFor(request.orderId);
    const outcomes = ctx.broker.commitPrepared(gid);
    if (outcomes.some((o) => !o.ok)) {
      return { event: { type: 'BROKER_COMMIT_FAILED' }, caption: `The broker's commit of ${gid} gets no answer; the coordinator will retry.` };
    }
    replyToClient(ctx, request.orderId, true);
    return { event: { type: 'BROKER_COMMITTED' }, caption: `The broker commits ${gid}: consumers now see OrderPlaced for order ${request.orderId}.` };
  },
};

const rollbackDb: Operation<CoordinatorContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: (context) => `sending ROLLBACK PREPARED for ${gidFor(context.current?.orderId ?? 0)}`,
  about: currentOrder,
  async run(ctx) {
    const request = ctx.context.current!;
    const gid = gidFor(request.orderId);
    await ctx.db.statement(`roll back ${gid}`, `ROLLBACK PREPARED '${gid}'`);
    // A broker that prepared, or half-prepared before a lost answer, drops its copy too.
    if (ctx.broker.preparedIds().includes(gid)) ctx.broker.rollbackPrepared(gid);
    replyToClient(ctx, request.orderId, false);
    return { event: { type: 'ROLLED_BACK' }, caption: `The coordinator rolls ${gid} back; order ${request.orderId} fails.` };
  },
};

/**
 * Recovery: every global transaction still prepared somewhere is finished the way the log says —
 * committed if "commit" was logged, rolled back otherwise (no log entry means no decision was made).
 */
const recover: Operation<CoordinatorContext> = {
  faults: [],
  crashable: false,
  latencyMs: 5,
  intent: () => 'recovering from its log',
  async run(ctx) {
    const log = await ctx.db.statement<{ gid: string }>('read the decision log', `SELECT gid FROM service.tx_log WHERE decision = 'commit' ORDER BY gid`);
    const committed = new Set(log.ok ? log.value.rows.map((r) => r.gid) : []);
    const inDb = await ctx.db.statement<{ gid: string }>('find in-doubt transactions', `SELECT gid FROM pg_prepared_xacts WHERE gid LIKE 'gx-%' ORDER BY gid`);
    const dbGids = inDb.ok ? inDb.value.rows.map((r) => r.gid) : [];
    const brokerGids = ctx.broker.preparedIds();
    const done: string[] = [];
    for (const gid of [...new Set([...dbGids, ...brokerGids])].sort()) {
      const commit = committed.has(gid);
      if (dbGids.includes(gid)) await ctx.db.statement(`${commit ? 'commit' : 'roll back'} ${gid}`, `${commit ? 'COMMIT' : 'ROLLBACK'} PREPARED '${gid}'`);
      if (brokerGids.includes(gid)) {
        if (commit) ctx.broker.commitPrepared(gid);
        else ctx.broker.rollbackPrepared(gid);
      }
      done.push(`${commit ? 'commits' : 'rolls back'} ${gid}`);
    }
    return {
      event: { type: 'RECOVERED' },
      orders: [...new Set([...dbGids, ...brokerGids])].map(orderOfGid),
      caption: done.length > 0 ? `The coordinator reads its log and ${done.join(', ')}.` : 'The coordinator reads its log: nothing is in doubt.',
    };
  },
};

// ─── The pattern ──────────────────────────────────────────────────────────────────────────────────

function coordinatorProcess(variant: string): ProcessSpec {
  return {
    id: COORDINATOR_PARTICIPANT,
    machine: coordinatorMachine,
    operations: {
      'prepare-db': prepareDb,
      'prepare-broker': prepareBroker(capabilityOf(variant)),
      'log-commit': logCommit,
      'commit-db': commitDb,
      'commit-broker': commitBroker,
      'rollback-db': rollbackDb,
      recover,
      restart: restartOperation('Coordinator'),
    },
  };
}

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  // A coordinator restart takes long enough for the in-doubt window to be seen (and hit).
  // While it is down the run has not settled (its restart is still to come), so a run always ends
  // after recovery: what the checker reports as blocked is a writer really refused meanwhile.
  timing: { restartMs: 1500 },
  schema: () => [ORDERS_TABLE, STOCK_TABLE, TX_LOG_TABLE, ...CONSUMER_TABLES],
  prepareRun: async (runner) => {
    await runner.query('INSERT INTO service.stock (sku, qty) VALUES ($1, $2)', [SKU, INITIAL_STOCK]);
  },
  inspect: async ({ runner, broker }) => [
    ...(await inDoubtInspections(runner)),
    {
      name: 'broker prepared messages',
      note: 'Stored under a global transaction, invisible to consumers until the coordinator commits them.',
      columns: ['gid', 'event_type', 'order_id'],
      rows: broker.preparedMessages().map((p) => ({ gid: p.gid, event_type: p.message.eventType, order_id: p.message.orderId })),
    },
  ],
  processes: ({ variant }) => [
    { id: SERVICE_PARTICIPANT, machine: twoPhaseService, operations: { 'check-stock': checkStock, restart: restartOperation('Order service') } },
    coordinatorProcess(variant),
    consumerProcess(ORDERS_TOPIC, 'Shipping consumer'),
  ],
});
