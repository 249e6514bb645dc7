/**
 * The group's checkpoint: the position it resumes after when it restarts, kept in a system stream.
 * KurrentDB's rule, with the lab's smaller figures (see group.ts):
 * - on every ack or nack it writes one only if checkPointUpperBound messages were processed since;
 * - on its 1 s tick, if checkPointAfter has passed since the last one and at least
 *   checkPointLowerBound were processed (so a lone message after a checkpoint is never recorded);
 * - what it records is the message just below the lowest one still owed (nothing owed: the last
 *   one numbered), so a restart delivers again everything after it, acked or not;
 * - while a checkpoint write is under way no new one is written, though the counters move on.
 */
import type { RecordedEvent } from '../event-store';
import { checkpointCandidate, checkpointWriteInFlight, processedSinceCheckpoint, upperBoundReached, type Changes } from './context';
import { CHECKPOINT_STREAM, KURRENTDB_DEFAULTS } from './group';
import { STORE, type ServerOperation } from './operation';

/** How long the store takes to complete a checkpoint write (a lab figure: a few milliseconds). */
export const CHECKPOINT_WRITE_MS = 10;

/** The position the last checkpoint in the stream recorded; null: none written yet. */
export function storedCheckpoint(store: { stream(name: string): RecordedEvent[] }): number | null {
  const last = store.stream(CHECKPOINT_STREAM).at(-1);
  return last ? (JSON.parse(last.data) as { position: number }).position : null;
}

export const loadCheckpoint: ServerOperation = {
  faults: [],
  // It runs right after a (re)start; crashing it again shows nothing new.
  crashable: false,
  latencyMs: 2,
  intent: () => 'loading its checkpoint',
  async run(ctx) {
    const position = storedCheckpoint(ctx.storeInternals);
    ctx.emit({ from: STORE, to: STORE, kind: 'read', label: `read ${CHECKPOINT_STREAM}`, ok: true });
    ctx.emit({ from: STORE, to: STORE, kind: 'reply', label: position === null ? 'no checkpoint' : `checkpoint: position ${position}`, ok: true });
    // Like KurrentDB, a loaded checkpoint counts as message 0, done: numbering goes on from 1.
    const changes: Changes =
      position === null
        ? { loaded: true, checkpoint: null, nextPosition: 0, storeHasMore: true }
        : { loaded: true, checkpoint: position, nextPosition: position + 1, storeHasMore: true, nextSequence: 1, lastKnownSequence: 0, lastCheckpointedSequence: 0, lastKnownPosition: position };
    return {
      event: { type: 'LOADED', changes },
      caption:
        position === null
          ? 'The subscription finds no checkpoint and starts at position 0.'
          : `The subscription loads its checkpoint and resumes after position ${position}.`,
    };
  },
};

export const checkpoint: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: () => 'writing its checkpoint',
  async run(ctx) {
    const context = ctx.context;
    const candidate = checkpointCandidate(context)!;
    const processed = processedSinceCheckpoint(context);
    const { settings } = context;
    const byCount = upperBoundReached(context);
    const d = KURRENTDB_DEFAULTS;
    const why = byCount
      ? `${processed} processed: upper bound ${settings.checkPointUpperBound}, KurrentDB default ${d.checkPointUpperBound}`
      : `tick: ${processed} processed, lower bound ${settings.checkPointLowerBound} after ${settings.checkPointAfterMs} ms, KurrentDB default ${d.checkPointLowerBound} after ${d.checkPointAfterMs} ms`;
    // The counters move on whether or not the write happens, as KurrentDB's do.
    const moved: Changes = { lastCheckpointAt: ctx.now, lastCheckpointedSequence: candidate.sequence };
    if (checkpointWriteInFlight(context, ctx.now)) {
      ctx.emit({ from: STORE, to: STORE, kind: 'offset-commit', label: `checkpoint position ${candidate.position} not written: a checkpoint write is in flight (${why})`, ok: true });
      return {
        event: { type: 'CHECKPOINTED', changes: moved },
        caption: `A checkpoint write is still under way: position ${candidate.position} is not written.`,
      };
    }
    const [written] = ctx.storeInternals.appendSystem(CHECKPOINT_STREAM, [
      // Not an order's event; orderId 0 names none (the checker reads user streams only).
      { eventId: ctx.nextId('checkpoint'), type: '$SubscriptionCheckpoint', data: JSON.stringify({ position: candidate.position }), orderId: 0 },
    ]);
    ctx.emit({ from: STORE, to: STORE, kind: 'append', label: `checkpoint position ${candidate.position} → ${CHECKPOINT_STREAM}@${written!.revision} (${why})`, ok: true });
    return {
      event: { type: 'CHECKPOINTED', changes: { ...moved, checkpoint: candidate.position, checkpointWriteDoneAt: ctx.now + CHECKPOINT_WRITE_MS } },
      caption: byCount
        ? `${processed} messages processed: the subscription checkpoints at once, at position ${candidate.position}.`
        : `On its tick the subscription checkpoints at position ${candidate.position}.`,
    };
  },
};
