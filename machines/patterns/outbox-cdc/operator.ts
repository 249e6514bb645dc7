/**
 * The `lost-slot` story's operator, a person outside the system under test. While the connector
 * is down (an upgrade, say), they rebuild a bloated index: real maintenance that writes more WAL
 * than the slot may keep. When the connector's task fails on the lost slot, they do what a person
 * must, since Debezium will not: drop the slot and restart the task, which then makes a new slot
 * and, with snapshot.mode=when_needed, a new snapshot.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { CONNECTOR_PARTICIPANT } from '../../actors/cdc-connector';
import { dropLostSlot } from '../../actors/cdc-slot-loss';

export const OPERATOR_PARTICIPANT = 'operator';
/** When the operator starts the index rebuild. */
export const REINDEX_AT_MS = 300;
/** How long after the connector's task fails the operator acts. */
export const OPERATOR_REACTION_MS = 500;

/** A table of the service's with an index big enough that rebuilding it writes over 1 MB of WAL. */
export const HISTORY_TABLE_NAME = 'service.order_history';
export const HISTORY_INDEX = 'service.order_history_note';
export const HISTORY_TABLE = [
  `CREATE TABLE ${HISTORY_TABLE_NAME} (
  id integer PRIMARY KEY,
  note text NOT NULL
)`,
  `INSERT INTO ${HISTORY_TABLE_NAME} SELECT g, md5(g::text) FROM generate_series(1, 30000) g`,
  `CREATE INDEX order_history_note ON ${HISTORY_TABLE_NAME} (note)`,
];

interface OperatorContext {
  alertAt: number;
  slot: string;
}

type OperatorEvent = { type: 'REINDEXED' } | { type: 'TASK_FAILED'; at: number; slot: string } | { type: 'SLOT_DROPPED' } | { type: 'REFUSED'; at: number };

export const operatorMachine = setup({
  types: { context: {} as OperatorContext, events: {} as OperatorEvent },
  actions: {
    noteAlert: assign(({ context, event }) => ({ alertAt: 'at' in event ? event.at : context.alertAt, slot: 'slot' in event ? event.slot : context.slot })),
  },
}).createMachine({
  id: OPERATOR_PARTICIPANT,
  context: { alertAt: 0, slot: '' },
  initial: 'maintaining',
  states: {
    maintaining: { meta: { op: 'reindex', notBefore: () => REINDEX_AT_MS }, on: { REINDEXED: 'watching' } },
    watching: { tags: ['idle'], on: { TASK_FAILED: { target: 'responding', actions: 'noteAlert' } } },
    responding: {
      meta: { op: 'drop-slot', notBefore: (context: OperatorContext) => context.alertAt + OPERATOR_REACTION_MS },
      on: { SLOT_DROPPED: 'done', REFUSED: { target: 'responding', reenter: true, actions: 'noteAlert' } },
    },
    done: { tags: ['idle'] },
  },
});

const reindex: Operation<OperatorContext> = {
  faults: [],
  crashable: false,
  latencyMs: 20,
  intent: () => 'rebuilding an index',
  async run(ctx) {
    await ctx.db.statement('rebuild a bloated index', `REINDEX INDEX ${HISTORY_INDEX}`);
    return { event: { type: 'REINDEXED' }, caption: 'The operator rebuilds index order_history_note (REINDEX) while the connector is down.' };
  },
};

const dropSlot: Operation<OperatorContext> = {
  faults: [],
  crashable: false,
  latencyMs: 2,
  intent: () => 'dropping the lost slot',
  async run(ctx) {
    const dropped = await dropLostSlot(ctx.db, ctx.context.slot);
    if (!dropped.ok) return { event: { type: 'REFUSED', at: ctx.now }, caption: 'The operator cannot drop the slot and will try again.' };
    ctx.emit({ from: OPERATOR_PARTICIPANT, to: CONNECTOR_PARTICIPANT, kind: 'request', label: 'restart task (snapshot.mode=when_needed)', ok: true });
    ctx.send(CONNECTOR_PARTICIPANT, { type: 'TASK_RESTARTED' });
    return { event: { type: 'SLOT_DROPPED' }, caption: `The operator drops lost slot ${ctx.context.slot} and restarts the connector's task.` };
  },
};

export function operatorProcess(): ProcessSpec {
  return { id: OPERATOR_PARTICIPANT, machine: operatorMachine, operations: { reindex, 'drop-slot': dropSlot } };
}
