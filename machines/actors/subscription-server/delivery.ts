/**
 * Delivery, the subscription server's main loop: read `$all` into the buffer, push to the handler
 * as far as its buffer has room (retries and replays first), record its acks and nacks, and retry
 * or park what is nacked or times out. Retrying what times out is why delivery is at least once.
 */
import type { HandlerReply } from './group';
import { HANDLER_PARTICIPANT, SUBSCRIPTION_GROUP } from './group';
import type { InFlightMessage, OutstandingMessage, SubscriptionServerContext } from './context';
import { ids, orderList, ordersOfMessages, STORE, type ServerOperation } from './operation';

/** What the next push sends: the retry queue (nacked, timed out, replayed) before new events, as far as the handler has room. */
function nextPush(context: SubscriptionServerContext): OutstandingMessage[] {
  const room = context.settings.clientBufferSize - context.inFlight.length;
  return [...context.retry, ...context.buffer].slice(0, room);
}

/** The in-flight message whose timeout runs out first, the one `expire` waits on: none or one. */
function firstToExpire(context: SubscriptionServerContext): InFlightMessage[] {
  return [...context.inFlight].sort((a, b) => a.deadline - b.deadline).slice(0, 1);
}

export const read: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `reading $all from position ${context.nextPosition}`,
  async run(ctx) {
    const { nextPosition, settings, buffer } = ctx.context;
    const events = ctx.store.readAll(nextPosition, settings.readBatchSize);
    const fresh = events.map((event) => ({ event, retryCount: 0, replayed: false }));
    return {
      orders: ordersOfMessages(fresh),
      event: {
        type: 'READ',
        changes: {
          buffer: [...buffer, ...fresh],
          nextPosition: events.length > 0 ? events.at(-1)!.position + 1 : nextPosition,
          storeHasMore: events.length === settings.readBatchSize,
        },
      },
      caption:
        events.length === 0
          ? 'The subscription reads $all and finds nothing new.'
          : `The subscription reads OrderPlaced for ${orderList(fresh)} into its buffer.`,
    };
  },
};

export const push: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => {
    const next = [...context.retry, ...context.buffer][0];
    return next ? `pushing OrderPlaced for order ${next.event.orderId}` : 'pushing';
  },
  about: (context) => ordersOfMessages(nextPush(context)),
  async run(ctx) {
    const { retry, buffer, inFlight, settings } = ctx.context;
    const batch = nextPush(ctx.context);
    const fromRetry = batch.filter((m) => retry.includes(m));
    const events = batch.map((m) => m.event);
    const label = `push ${events.map((e) => `${e.type} ${e.eventId}`).join(', ')}`;
    ctx.emit({ from: STORE, to: HANDLER_PARTICIPANT, kind: 'publish', label, ok: true });
    const delivered = ctx.send(HANDLER_PARTICIPANT, { type: 'EVENTS_PUSHED', events });
    // The lab's instrument: the checker counts what reached the group's handler.
    if (delivered) for (const e of events) ctx.storeInternals.recordDelivery(SUBSCRIPTION_GROUP, e.eventId);
    const sent: InFlightMessage[] = batch.map((m) => ({ ...m, pushedAt: ctx.now, deadline: ctx.now + settings.messageTimeoutMs }));
    const again = fromRetry.length > 0 ? ` (${fromRetry.some((m) => m.replayed) ? 'replayed' : 'retry'})` : '';
    return {
      event: {
        type: 'PUSHED',
        changes: {
          retry: retry.filter((m) => !batch.includes(m)),
          buffer: buffer.filter((m) => !batch.includes(m)),
          inFlight: [...inFlight, ...sent],
        },
      },
      caption: delivered
        ? `The subscription pushes ${ids(batch)} for ${orderList(batch)} to the handler${again}.`
        : `The handler is down: ${ids(batch)} stays in flight until its timeout.`,
    };
  },
};

function describeReply(reply: HandlerReply): string {
  return reply.action === 'ack' ? `ack ${reply.eventId}` : `nack ${reply.action} ${reply.eventId}`;
}

/** What the group made of one reply, for the trace and the caption. */
interface ReplyNote {
  label: string;
  caption: string;
}

export const recordReplies: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 1,
  intent: (context) => {
    const first = context.replies[0];
    return first ? `recording the ${describeReply(first)}${first.orderId === null ? '' : ` for order ${first.orderId}`}` : 'recording replies';
  },
  about: (context) => context.replies.flatMap((reply) => (reply.orderId === null ? [] : [reply.orderId])),
  async run(ctx) {
    const { replies, settings } = ctx.context;
    let { inFlight, retry, toPark, processedSinceCheckpoint, checkpointDueAt } = ctx.context;
    const notes: ReplyNote[] = [];
    for (const reply of replies) {
      const what = `${reply.eventId} for order ${reply.orderId ?? '?'}`;
      const message = inFlight.find((m) => m.event.eventId === reply.eventId) ?? retry.find((m) => m.event.eventId === reply.eventId);
      if (!message) {
        // An answer about an event the group no longer owes (acked before, or forgotten by a restart).
        notes.push({ label: `${describeReply(reply)}: not outstanding, ignored`, caption: `The subscription ignores the ${describeReply(reply)}: it owes it no more.` });
        continue;
      }
      // An answer names the event: the group stops owing it wherever it waits.
      inFlight = inFlight.filter((m) => m.event.eventId !== reply.eventId);
      retry = retry.filter((m) => m.event.eventId !== reply.eventId);
      const owed: OutstandingMessage = { event: message.event, retryCount: message.retryCount, replayed: message.replayed };
      if (reply.action === 'ack' || reply.action === 'skip') {
        // A replayed message is behind the checkpoint already: done, but nothing to checkpoint.
        if (!owed.replayed) {
          processedSinceCheckpoint += 1;
          checkpointDueAt ??= ctx.now + settings.checkpointAfterMs;
        }
        notes.push({
          label: describeReply(reply),
          caption: reply.action === 'ack' ? `The subscription records the ack of ${what}.` : `The subscription drops ${what} for good: nack skip.`,
        });
      } else if (reply.action === 'park') {
        toPark = [...toPark, { message: owed, reason: reply.reason }];
        notes.push({ label: `${describeReply(reply)}: to park`, caption: `The subscription takes the nack park of ${what}.` });
      } else if (owed.retryCount >= settings.maxRetryCount) {
        toPark = [...toPark, { message: owed, reason: `retried ${owed.retryCount} times: ${reply.reason}` }];
        notes.push({
          label: `${describeReply(reply)}: out of retries (${owed.retryCount}), to park`,
          caption: `Order ${reply.orderId ?? '?'} is out of retries: the subscription will park ${reply.eventId}.`,
        });
      } else {
        retry = [...retry, { ...owed, retryCount: owed.retryCount + 1 }];
        notes.push({ label: `${describeReply(reply)}: retry ${owed.retryCount + 1}`, caption: `The subscription queues ${what} for retry ${owed.retryCount + 1}.` });
      }
    }
    ctx.emit({ from: STORE, to: STORE, kind: 'offset-commit', label: notes.map((n) => n.label).join('; '), ok: true });
    const more = notes.length > 1 ? ` (and ${notes.length - 1} more reply)` : '';
    return {
      event: { type: 'RECORDED', changes: { replies: [], inFlight, retry, toPark, processedSinceCheckpoint, checkpointDueAt } },
      caption: notes[0]!.caption.replace(/\.$/, `${more}.`),
    };
  },
};

export const expire: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 1,
  intent: (context) => {
    const [first] = firstToExpire(context);
    return first ? `timing out ${first.event.eventId} for order ${first.event.orderId}` : 'checking timeouts';
  },
  about: (context) => ordersOfMessages(firstToExpire(context)),
  async run(ctx) {
    const { inFlight, settings } = ctx.context;
    const expired = inFlight.filter((m) => m.deadline <= ctx.now);
    let { retry, toPark } = ctx.context;
    for (const m of expired) {
      const owed: OutstandingMessage = { event: m.event, retryCount: m.retryCount, replayed: m.replayed };
      if (owed.retryCount >= settings.maxRetryCount) toPark = [...toPark, { message: owed, reason: `no ack after ${owed.retryCount + 1} deliveries` }];
      else retry = [...retry, { ...owed, retryCount: owed.retryCount + 1 }];
    }
    ctx.emit({
      from: STORE,
      to: STORE,
      kind: 'error',
      label: expired.length === 0 ? 'no message timed out' : `message timeout: no ack for ${ids(expired)} within ${settings.messageTimeoutMs} ms`,
      ok: expired.length === 0,
    });
    const parking = expired.filter((m) => m.retryCount >= settings.maxRetryCount);
    return {
      event: { type: 'EXPIRED', changes: { inFlight: inFlight.filter((m) => !expired.includes(m)), retry, toPark } },
      orders: ordersOfMessages(expired),
      caption:
        expired.length === 0
          ? 'The subscription finds no message past its timeout.'
          : parking.length > 0
            ? `No ack for ${orderList(expired)}, out of retries: the subscription will park it.`
            : `No ack for ${orderList(expired)} within ${settings.messageTimeoutMs / 1000} s: the subscription will retry.`,
    };
  },
};
