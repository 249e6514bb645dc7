/**
 * The persistent subscription's operator, a person outside the system under test: the event store
 * alerts them when it parks a message (see actors/subscription-server/parked.ts), and they answer
 * with a replay request.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import { EVENT_STORE_PARTICIPANT } from '../../actors/event-store';
import { OPERATOR_PARTICIPANT, SUBSCRIPTION_GROUP } from '../../actors/subscription-server';

/** How long the operator takes, after the store parks a message, to ask for a replay. */
export const OPERATOR_REACTION_MS = 500;

interface OperatorContext {
  /** When the store's alert came in; the operator acts a while later. */
  alertAt: number;
}

type OperatorEvent = { type: 'PARKED_ALERT'; at: number } | { type: 'REPLAY_REQUESTED' } | { type: 'REFUSED'; at: number };

/**
 * A person watching the group. When the store parks a message, they ask for a replay of the
 * parked messages, once: a message that parks again needs a fixed handler, not another replay.
 */
export const operatorMachine = setup({
  types: { context: {} as OperatorContext, events: {} as OperatorEvent },
  actions: { noteAlert: assign({ alertAt: ({ event }) => ('at' in event ? event.at : 0) }) },
}).createMachine({
  id: OPERATOR_PARTICIPANT,
  context: { alertAt: 0 },
  initial: 'watching',
  states: {
    watching: { tags: ['idle'], on: { PARKED_ALERT: { target: 'replaying', actions: 'noteAlert' } } },
    replaying: {
      meta: { op: 'request-replay', notBefore: (context: OperatorContext) => context.alertAt + OPERATOR_REACTION_MS },
      on: {
        REPLAY_REQUESTED: 'done',
        // The store is down: try again a while later.
        REFUSED: { target: 'replaying', reenter: true, actions: 'noteAlert' },
      },
    },
    done: { tags: ['idle'] },
  },
});

const requestReplay: Operation<OperatorContext> = {
  faults: [],
  // A person, outside the system under test, like the client.
  crashable: false,
  latencyMs: 1,
  intent: () => 'asking for a replay of the parked messages',
  async run(ctx) {
    ctx.emit({ from: OPERATOR_PARTICIPANT, to: EVENT_STORE_PARTICIPANT, kind: 'request', label: `replay parked messages of ${SUBSCRIPTION_GROUP}`, ok: true });
    if (!ctx.send(EVENT_STORE_PARTICIPANT, { type: 'REPLAY_PARKED' })) {
      return { event: { type: 'REFUSED', at: ctx.now }, caption: 'The operator cannot reach the event store and will try again.' };
    }
    return { event: { type: 'REPLAY_REQUESTED' }, caption: 'The operator asks the event store to replay parked messages.' };
  },
};

export function operatorProcess(): ProcessSpec {
  return { id: OPERATOR_PARTICIPANT, machine: operatorMachine, operations: { 'request-replay': requestReplay } };
}
