/**
 * What every process participant shares: it can crash just before any operation, and it comes
 * back after a simulated moment with nothing in memory. What survives a crash is only what it
 * had written to Postgres or the broker.
 */
import type { Operation } from '../kernel/pattern';
import { lowerFirst, RESTARTED_EVENT } from '../kernel/process';

export { CRASH_EVENT, CRASHED_STATE, lowerFirst, RESTARTED_EVENT } from '../kernel/process';

/** The restart every process performs while in its `crashed` state. */
export function restartOperation(participantLabel: string): Operation<unknown> {
  return {
    faults: [],
    crashable: false,
    latencyMs: 1,
    intent: () => 'restarting',
    async run(ctx) {
      ctx.emit({ from: ctx.actor, to: ctx.actor, kind: 'restart', label: 'restart, memory empty', ok: true });
      return { event: RESTARTED_EVENT, caption: `The ${lowerFirst(participantLabel)} restarts with an empty memory.` };
    },
  };
}
