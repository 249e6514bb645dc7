/**
 * Parking: what keeps failing (nacked park, or out of retries) is written, as a link to the
 * original event, to the group's parked stream, which is durable, and the operator is alerted.
 * A replay reads the parked stream, truncates it, and puts its messages through the retry path,
 * as KurrentDB does (`AddRetry` of a parked event): at the end of the retry queue, with a retry
 * count of 0, and so before any new event in the read buffer.
 */
import type { RecordedEvent } from '../event-store';
import type { OutstandingMessage } from './context';
import { addRetry } from './retry';
import { OPERATOR_PARTICIPANT, PARKED_METADATA_STREAM, PARKED_STREAM, SUBSCRIPTION_GROUP } from './group';
import { ids, orderList, ordersOfMessages, STORE, type ServerOperation } from './operation';

export const park: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `parking ${context.toPark.map((p) => `${p.message.event.eventId} for order ${p.message.event.orderId}`).join(', ')}`,
  about: (context) => ordersOfMessages(context.toPark.map((p) => p.message)),
  async run(ctx) {
    const { toPark } = ctx.context;
    // A parked message is a link to the original event, as KurrentDB writes it; the stream is
    // durable, so the message survives restarts until someone replays it.
    const links = ctx.storeInternals.appendSystem(
      PARKED_STREAM,
      toPark.map(({ message }) => ({
        eventId: ctx.nextId('parked'),
        type: '$>',
        data: `${message.event.revision}@${message.event.stream}`,
        orderId: message.event.orderId,
      })),
    );
    for (const [i, { message, reason }] of toPark.entries()) {
      ctx.emit({ from: STORE, to: STORE, kind: 'append', label: `park ${message.event.eventId} → ${PARKED_STREAM}@${links[i]!.revision} (${reason})`, ok: true });
    }
    ctx.emit({ from: STORE, to: OPERATOR_PARTICIPANT, kind: 'request', label: `alert: ${toPark.length} parked in ${SUBSCRIPTION_GROUP}`, ok: true });
    ctx.send(OPERATOR_PARTICIPANT, { type: 'PARKED_ALERT', at: ctx.now });
    const messages = toPark.map((p) => p.message);
    return {
      event: { type: 'PARKED', changes: { toPark: [] } },
      caption: `The subscription parks ${ids(messages)} for ${orderList(messages)} in its parked stream.`,
    };
  },
};

/** The parked stream's current truncate-before: messages below it were replayed already. */
function parkedTruncateBefore(metadata: RecordedEvent[]): number {
  const last = metadata.at(-1);
  return last ? (JSON.parse(last.data) as { $tb: number }).$tb : 0;
}

/** The original events the parked stream links to, from the truncate-before on. */
export function parkedMessages(store: { stream(name: string): RecordedEvent[]; userEvents(): RecordedEvent[] }): RecordedEvent[] {
  const tb = parkedTruncateBefore(store.stream(PARKED_METADATA_STREAM));
  const users = store.userEvents();
  return store
    .stream(PARKED_STREAM)
    .filter((link) => link.revision >= tb)
    .map((link) => {
      const [revision, stream] = link.data.split('@') as [string, string];
      return users.find((e) => e.stream === stream && e.revision === Number(revision));
    })
    .filter((e): e is RecordedEvent => e !== undefined);
}

export const replayParked: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: () => 'replaying its parked messages',
  async run(ctx) {
    const parked = ctx.storeInternals.stream(PARKED_STREAM);
    const events = parkedMessages(ctx.storeInternals);
    ctx.emit({ from: STORE, to: STORE, kind: 'read', label: `read ${PARKED_STREAM}`, ok: true });
    if (events.length === 0) {
      ctx.emit({ from: STORE, to: STORE, kind: 'reply', label: 'no parked messages', ok: true });
      return { event: { type: 'REPLAYED', changes: { replayRequested: false } }, caption: 'The subscription finds no parked messages to replay.' };
    }
    // Like KurrentDB, it truncates the parked stream once it has read it: the replayed messages
    // now live only in memory until they are acked.
    const tb = parked.at(-1)!.revision + 1;
    ctx.storeInternals.appendSystem(PARKED_METADATA_STREAM, [{ eventId: ctx.nextId('metadata'), type: '$metadata', data: JSON.stringify({ $tb: tb }), orderId: 0 }]);
    ctx.emit({ from: STORE, to: STORE, kind: 'append', label: `${PARKED_STREAM} truncate before ${tb}`, ok: true });
    const replayed: OutstandingMessage[] = events.map((event) => ({ event, retryCount: 0, replayed: true, sequence: null, previousPosition: null }));
    const waiting = ctx.context.buffer.length;
    const retrying = ctx.context.retry.length;
    const retry = replayed.reduce(addRetry, ctx.context.retry);
    return {
      // Through the retry path: behind the retries already waiting, ahead of every new event.
      event: { type: 'REPLAYED', changes: { replayRequested: false, retry } },
      orders: ordersOfMessages(replayed),
      caption:
        retrying > 0
          ? `The subscription queues parked ${ids(replayed)} behind ${retrying} ${retrying === 1 ? 'retry' : 'retries'}, ahead of ${waiting} newer.`
          : waiting > 0
            ? `The subscription queues parked ${ids(replayed)} ahead of ${waiting} newer event${waiting === 1 ? '' : 's'}.`
            : `The subscription queues parked ${ids(replayed)} for ${orderList(replayed)} again.`,
    };
  },
};
