/**
 * The operator of the `rebuild` variant: a while after the commands they start a new projection
 * version (read model emptied, checkpoint at 0, version bumped) and tell the projector, which
 * replays the whole log: the cost the seeds name as event sourcing's main one.
 */
import { setup } from 'xstate';
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import type { Scenario } from '../../kernel/types';
import { PROJECTOR_CHECKPOINT, PROJECTOR_PARTICIPANT } from './projector';

export const OPERATOR_PARTICIPANT = 'operator';
/** The operator rebuilds the projection this long after the last order is placed. */
export const REBUILD_AFTER_MS = 300;

interface OperatorContext {
  at: number;
}

const operatorMachine = setup({
  types: { context: {} as OperatorContext, input: {} as { at: number }, events: {} as { type: 'REBUILT' } },
}).createMachine({
  id: OPERATOR_PARTICIPANT,
  context: ({ input }) => ({ at: input.at }),
  initial: 'scheduled',
  states: {
    scheduled: { meta: { op: 'rebuild-projection', notBefore: (context: OperatorContext) => context.at }, on: { REBUILT: 'done' } },
    done: { tags: ['idle'] },
  },
});

// The operator stands outside the system under test, like the client: no fault is armed on it.
const rebuildProjection: Operation<OperatorContext> = {
  faults: [],
  crashable: false,
  latencyMs: 3,
  intent: () => 'rebuilding the order view',
  async run(ctx) {
    const { table, name } = PROJECTOR_CHECKPOINT;
    const result = await ctx.db.transaction('new projection version: empty order_view, checkpoint 0', async (tx) => {
      await tx.query('TRUNCATE service.order_view');
      await tx.query(
        `INSERT INTO ${table} (name, position, projection_version) VALUES ($1, 0, 2)
         ON CONFLICT (name) DO UPDATE SET position = 0, projection_version = ${table}.projection_version + 1`,
        [name],
      );
    });
    if (result.ok) {
      ctx.emit({ from: ctx.actor, to: PROJECTOR_PARTICIPANT, kind: 'request', label: 'restart from the stored checkpoint', ok: true });
      ctx.send(PROJECTOR_PARTICIPANT, { type: 'RESET' });
    }
    return { event: { type: 'REBUILT' }, caption: 'The operator empties the read model and sets the projector back to 0.' };
  },
};

export function operatorProcess(scenario: Scenario): ProcessSpec {
  return {
    id: OPERATOR_PARTICIPANT,
    machine: operatorMachine,
    input: { at: (scenario.orders.at(-1) ?? 0) + REBUILD_AFTER_MS },
    operations: { 'rebuild-projection': rebuildProjection },
  };
}
