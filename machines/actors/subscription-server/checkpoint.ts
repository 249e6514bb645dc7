/**
 * The group's checkpoint: the position it resumes from after a restart, kept in a system stream.
 * It is written after several processed events or a while after the first one, never per event,
 * so a restart delivers again everything after it, acked or not.
 */
import type { RecordedEvent } from '../event-store';
import { checkpointCountReached, checkpointPosition, type Changes } from './context';
import { CHECKPOINT_STREAM } from './group';
import { STORE, type ServerOperation } from './operation';

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
    return {
      event: { type: 'LOADED', changes: { loaded: true, checkpoint: position, nextPosition: position ?? 0, storeHasMore: true } },
      caption:
        position === null
          ? 'The subscription finds no checkpoint and starts at position 0.'
          : `The subscription loads its checkpoint and resumes at position ${position}.`,
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
    const position = checkpointPosition(context);
    const byCount = checkpointCountReached(context);
    const why = byCount ? `after ${context.processedSinceCheckpoint} processed events` : `${context.settings.checkpointAfterMs} ms after the first ack`;
    const reset: Changes = { processedSinceCheckpoint: 0, checkpointDueAt: null };
    if (position === (context.checkpoint ?? 0)) {
      ctx.emit({ from: STORE, to: STORE, kind: 'offset-commit', label: `checkpoint stays at position ${position}: an earlier event is still owed`, ok: true });
      return {
        event: { type: 'CHECKPOINTED', changes: reset },
        caption: `The subscription keeps its checkpoint at ${position}: an earlier event is unacked.`,
      };
    }
    const [written] = ctx.storeInternals.appendSystem(CHECKPOINT_STREAM, [
      // Not an order's event; orderId 0 names none (the checker reads user streams only).
      { eventId: ctx.nextId('checkpoint'), type: '$SubscriptionCheckpoint', data: JSON.stringify({ position }), orderId: 0 },
    ]);
    ctx.emit({ from: STORE, to: STORE, kind: 'append', label: `checkpoint position ${position} → ${CHECKPOINT_STREAM}@${written!.revision} (${why})`, ok: true });
    return {
      event: { type: 'CHECKPOINTED', changes: { ...reset, checkpoint: position } },
      caption: byCount
        ? `After ${context.processedSinceCheckpoint} acks the subscription checkpoints at position ${position}.`
        : `A timer fires: the subscription checkpoints at position ${position}.`,
    };
  },
};
