/**
 * Delivery, the subscription server's main loop: read `$all` into the buffer, push to the clients
 * as far as they have room (the retry queue before new events; the consumer strategy picks the
 * client), record their acks and nacks, and retry or park what is nacked or times out. Timeouts
 * are found on the server's 1 s tick. Retrying what times out is why delivery is at least once.
 */
import { KURRENTDB_DEFAULTS, SUBSCRIPTION_GROUP, type HandlerReply } from './group';
import type { Changes, InFlightMessage, OutstandingMessage, SubscriptionServerContext } from './context';
import { expiryTickAt } from './context';
import { dropClient } from './clients';
import { retryOrPark } from './retry';
import { bucketOf, pinnedClientFor, type PinnedState } from './strategy';
import { clientName, ids, orderList, ordersOfMessages, STORE, type ServerOperation } from './operation';

function room(context: Pick<SubscriptionServerContext, 'clients' | 'settings'>, inFlight: readonly InFlightMessage[], client: string): number {
  if (!context.clients.find((c) => c.id === client)?.connected) return 0;
  return context.settings.clientBufferSize - inFlight.filter((m) => m.client === client).length;
}

export interface PushPlan {
  /** Client → the messages it gets, in order. */
  sends: Map<string, InFlightMessage[]>;
  /** Pinned messages whose client was full: numbered and moved to the back of the retry queue. */
  skipped: OutstandingMessage[];
  changes: Changes;
}

/**
 * One scan of the retry queue then the buffer, as KurrentDB's push does: each message goes to the
 * client the strategy picks, and the scan stops when no client has room. A message leaving the
 * buffer for the first time gets its number (what the checkpoint counts).
 */
export function planPush(context: SubscriptionServerContext, now: number): PushPlan {
  let { nextSequence, lastKnownSequence, lastKnownPosition } = context;
  let retry = [...context.retry];
  let buffer = [...context.buffer];
  let rotation = [...context.rotation];
  let pinned: PinnedState = context.pinned;
  const inFlight = [...context.inFlight];
  const sends = new Map<string, InFlightMessage[]>();
  const skipped: OutstandingMessage[] = [];
  const number = (m: OutstandingMessage): OutstandingMessage => {
    if (m.replayed || m.sequence !== null) return m;
    const numbered = { ...m, sequence: nextSequence, previousPosition: lastKnownPosition };
    lastKnownSequence = nextSequence;
    nextSequence += 1;
    lastKnownPosition = m.event.position;
    return numbered;
  };
  const scan = [...context.retry.map((m) => ({ m, fromRetry: true })), ...context.buffer.map((m) => ({ m, fromRetry: false }))];
  for (const { m, fromRetry } of scan) {
    let client: string | null = null;
    let full = false;
    if (context.settings.strategy === 'pinned') {
      const capacity = context.clients.reduce((sum, c) => sum + Math.max(0, room(context, inFlight, c.id)), 0);
      if (capacity === 0) break;
      const picked = pinnedClientFor(pinned, m.event);
      pinned = picked.state;
      if (picked.client && room(context, inFlight, picked.client) > 0) client = picked.client;
      else full = true;
    } else {
      for (let i = 0; i < rotation.length && client === null; i++) {
        const candidate = rotation.shift()!;
        rotation.push(candidate);
        if (room(context, inFlight, candidate) > 0) client = candidate;
      }
      if (client === null) break;
    }
    const numbered = number(m);
    if (full) {
      // A pinned message whose client is full waits for that client, behind the other retries.
      if (!fromRetry) {
        buffer = buffer.filter((x) => x !== m);
        retry = [...retry, numbered];
        skipped.push(numbered);
      }
      continue;
    }
    if (fromRetry) retry = retry.filter((x) => x !== m);
    else buffer = buffer.filter((x) => x !== m);
    const sent: InFlightMessage = { ...numbered, client: client!, pushedAt: now, deadline: now + context.settings.messageTimeoutMs };
    inFlight.push(sent);
    sends.set(client!, [...(sends.get(client!) ?? []), sent]);
  }
  return { sends, skipped, changes: { retry, buffer, inFlight, rotation, pinned, nextSequence, lastKnownSequence, lastKnownPosition } };
}

export function canPush(context: SubscriptionServerContext): boolean {
  return context.retry.length + context.buffer.length > 0 && planPush(context, 0).sends.size > 0;
}

export const read: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `reading $all from position ${context.nextPosition}`,
  async run(ctx) {
    const { nextPosition, settings, buffer } = ctx.context;
    const events = ctx.store.readAll(nextPosition, settings.readBatchSize);
    const fresh: OutstandingMessage[] = events.map((event) => ({ event, retryCount: 0, replayed: false, sequence: null, previousPosition: null }));
    const types = [...new Set(events.map((e) => e.type))].join(' and ');
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
      caption: events.length === 0 ? 'The subscription reads $all and finds nothing new.' : `The subscription reads ${types} for ${orderList(fresh)} into its buffer.`,
    };
  },
};

function pushLabel(messages: InFlightMessage[], pinned: boolean): string {
  return messages.map((m) => `${m.event.type} ${m.event.eventId}${m.retryCount > 0 ? ` (retry ${m.retryCount})` : ''}${m.replayed ? ' (replayed)' : ''}`).join(', ') + (pinned ? ` [${messages[0]!.event.stream}]` : '');
}

export const push: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 2,
  intent: (context) => {
    const next = [...context.retry, ...context.buffer][0];
    return next ? `pushing ${next.event.type} for order ${next.event.orderId}` : 'pushing';
  },
  about: (context) => ordersOfMessages([...planPush(context, 0).sends.values()].flat()),
  async run(ctx) {
    const context = ctx.context;
    const plan = planPush(context, ctx.now);
    let after: SubscriptionServerContext = { ...context, ...plan.changes };
    const parts: string[] = [];
    const refused: string[] = [];
    for (const [client, messages] of plan.sends) {
      ctx.emit({ from: STORE, to: client, kind: 'publish', label: `push ${pushLabel(messages, context.settings.strategy === 'pinned')}`, ok: true });
      const delivered = ctx.send(client, { type: 'EVENTS_PUSHED', events: messages.map((m) => m.event) });
      if (delivered) {
        // The lab's instrument: the checker counts what reached the group's handlers.
        for (const m of messages) ctx.storeInternals.recordDelivery(SUBSCRIPTION_GROUP, m.event.eventId);
        parts.push(context.settings.clients.length === 1 ? ids(messages) : `${ids(messages)} to ${clientName(context.settings, client)}`);
      } else {
        // The connection is gone: the client is dropped and its messages retried at once.
        after = { ...after, ...dropClient(after, client).changes };
        refused.push(clientName(context.settings, client));
      }
    }
    for (const m of plan.skipped) {
      const holder = after.pinned.buckets[bucketOf(m.event)];
      ctx.emit({ from: STORE, to: STORE, kind: 'offset-commit', label: `hold ${m.event.eventId}: its bucket ${bucketOf(m.event)}'s client ${holder?.node ?? '?'} is full`, ok: true });
    }
    const all = [...plan.sends.values()].flat();
    const again = all.some((m) => m.replayed) ? ' (replayed)' : all.some((m) => m.retryCount > 0) ? ' (retry)' : '';
    const changes: Changes = {
      retry: after.retry,
      buffer: after.buffer,
      inFlight: after.inFlight,
      toPark: after.toPark,
      rotation: after.rotation,
      pinned: after.pinned,
      clients: after.clients,
      nextSequence: after.nextSequence,
      lastKnownSequence: after.lastKnownSequence,
      lastKnownPosition: after.lastKnownPosition,
    };
    const caption =
      parts.length === 0
        ? `${refused[0]!.charAt(0).toUpperCase()}${refused[0]!.slice(1)} is down: the subscription drops it and retries.`
        : context.settings.clients.length === 1
          ? `The subscription pushes ${parts[0]} for ${orderList(all)} to the handler${again}.`
          : `The subscription pushes ${parts.join(' and ')}${again}.`;
    return { event: { type: 'PUSHED', changes }, orders: ordersOfMessages(all), caption };
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
    let { inFlight, retry, toPark } = ctx.context;
    const notes: ReplyNote[] = [];
    for (const reply of replies) {
      const what = `${reply.eventId} for order ${reply.orderId ?? '?'}`;
      const message = inFlight.find((m) => m.event.eventId === reply.eventId) ?? retry.find((m) => m.event.eventId === reply.eventId);
      if (!message) {
        // An answer about an event the group no longer owes (acked before, or forgotten by a restart).
        notes.push({ label: `${describeReply(reply)}: not outstanding, ignored`, caption: `The subscription ignores the ${describeReply(reply)}: it owes it no more.` });
        continue;
      }
      // An answer names the event, not the delivery: whichever client sent it, the group stops
      // owing it wherever it waits (KurrentDB removes it from every client's in-flight list).
      inFlight = inFlight.filter((m) => m.event.eventId !== reply.eventId);
      retry = retry.filter((m) => m.event.eventId !== reply.eventId);
      if (reply.action === 'ack' || reply.action === 'skip') {
        notes.push({
          label: describeReply(reply),
          caption: reply.action === 'ack' ? `The subscription records the ack of ${what}.` : `The subscription drops ${what} for good: nack skip.`,
        });
      } else if (reply.action === 'park') {
        toPark = [...toPark, { message: { ...message, retryCount: message.retryCount }, reason: reply.reason }];
        notes.push({ label: `${describeReply(reply)}: to park`, caption: `The subscription takes the nack park of ${what}.` });
      } else {
        const next = retryOrPark({ retry, toPark }, message, settings.maxRetryCount, true, reply.reason);
        ({ retry, toPark } = next);
        notes.push(
          next.parked
            ? {
                label: `${describeReply(reply)}: out of retries (${message.retryCount}), to park`,
                caption: `Order ${reply.orderId ?? '?'} is out of retries: the subscription will park ${reply.eventId}.`,
              }
            : { label: `${describeReply(reply)}: retry ${message.retryCount + 1}`, caption: `The subscription queues ${what} for retry ${message.retryCount + 1}.` },
        );
      }
    }
    ctx.emit({ from: STORE, to: STORE, kind: 'offset-commit', label: notes.map((n) => n.label).join('; '), ok: true });
    return {
      event: { type: 'RECORDED', changes: { replies: [], inFlight, retry, toPark } },
      caption: notes.length === 1 ? notes[0]!.caption : `The subscription records ${notes.length} replies.`,
    };
  },
};

/** The in-flight messages past their timeout at this tick. */
function expiredAt(context: SubscriptionServerContext, now: number): InFlightMessage[] {
  return context.inFlight.filter((m) => m.deadline <= now);
}

export const expire: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 1,
  intent: (context) => {
    const tick = expiryTickAt(context);
    const first = tick === null ? undefined : expiredAt(context, tick)[0];
    return first ? `timing out ${first.event.eventId} for order ${first.event.orderId}` : 'checking timeouts';
  },
  about: (context) => {
    const tick = expiryTickAt(context);
    return tick === null ? [] : ordersOfMessages(expiredAt(context, tick));
  },
  async run(ctx) {
    const { inFlight, settings } = ctx.context;
    const expired = expiredAt(ctx.context, ctx.now);
    let queues = { retry: ctx.context.retry, toPark: ctx.context.toPark };
    const parking: InFlightMessage[] = [];
    for (const m of expired) {
      const next = retryOrPark(queues, m, settings.maxRetryCount, true, `no answer within ${settings.messageTimeoutMs} ms`);
      if (next.parked) parking.push(m);
      queues = { retry: next.retry, toPark: next.toPark };
    }
    const holders = [...new Set(expired.map((m) => clientName(settings, m.client)))];
    ctx.emit({
      from: STORE,
      to: STORE,
      kind: 'error',
      label: expired.length === 0 ? 'tick: no message timed out' : `tick: no answer from ${expired.map((m) => m.client).join(', ')} for ${ids(expired)} within ${settings.messageTimeoutMs} ms (KurrentDB default ${KURRENTDB_DEFAULTS.messageTimeoutMs} ms)`,
      ok: expired.length === 0,
    });
    const changes: Changes = { inFlight: inFlight.filter((m) => !expired.includes(m)), retry: queues.retry, toPark: queues.toPark };
    return {
      event: { type: 'EXPIRED', changes },
      orders: ordersOfMessages(expired),
      caption:
        expired.length === 0
          ? 'The tick finds no message past its timeout.'
          : parking.length > 0
            ? `No answer for ${orderList(expired)}, out of retries: the subscription will park it.`
            : `The tick finds ${ids(expired)} unanswered by ${holders.join(' and ')}: retry.`,
    };
  },
};
