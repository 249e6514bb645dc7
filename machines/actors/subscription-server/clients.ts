/**
 * The group's clients coming and going. A client whose connection closes (its process died, so
 * the OS closed its socket) is dropped at once, and every message in flight to it goes back to
 * the retry queue with its retry count raised, without waiting for the message timeout
 * (KurrentDB PR #475). The gRPC path does not check the retry budget here (the TCP one does, PR
 * #2797): a message past maxRetryCount is parked by its next timeout or nack, not by the drop.
 * A client that subscribes again joins the back of round robin's queue, or takes its share of
 * pinned buckets.
 */
import type { Changes, OutstandingMessage, SubscriptionServerContext } from './context';
import { retryOrPark } from './retry';
import { pinnedConnect, pinnedDisconnect, bucketOf } from './strategy';
import { clientName, ids, ordersOfMessages, STORE, type ServerOperation } from './operation';

export interface Dropped {
  changes: Changes;
  retried: OutstandingMessage[];
  released: number[];
}

/** Drops a client: its in-flight messages, in log order, go back to the retry queue. */
export function dropClient(context: SubscriptionServerContext, client: string, extra: OutstandingMessage[] = []): Dropped {
  const lost = [...context.inFlight.filter((m) => m.client === client), ...extra].sort((a, b) => a.event.position - b.event.position);
  let queues = { retry: context.retry, toPark: context.toPark };
  for (const m of lost) queues = retryOrPark(queues, m, context.settings.maxRetryCount, false, 'client gone');
  const { state: pinned, released } = pinnedDisconnect(context.pinned, client);
  return {
    changes: {
      inFlight: context.inFlight.filter((m) => m.client !== client),
      retry: queues.retry,
      toPark: queues.toPark,
      clients: context.clients.map((c) => (c.id === client ? { ...c, connected: false } : c)),
      rotation: context.rotation.filter((c) => c !== client),
      pinned,
    },
    retried: lost,
    released,
  };
}

function connectClient(context: SubscriptionServerContext, client: string): { changes: Changes; moved: number[] } {
  const known = context.clients.find((c) => c.id === client)!;
  const connection = known.connected ? known.connection : known.connection + 1;
  const inFlightIn = (bucket: number) => context.inFlight.filter((m) => bucketOf(m.event) === bucket).length;
  const { state: pinned, moved } = known.connected ? { state: context.pinned, moved: [] } : pinnedConnect(context.pinned, client, connection, inFlightIn);
  return {
    changes: {
      clients: context.clients.map((c) => (c.id === client ? { ...c, connected: true, connection } : c)),
      rotation: context.rotation.includes(client) ? context.rotation : [...context.rotation, client],
      pinned,
    },
    moved,
  };
}

export const trackClients: ServerOperation = {
  faults: [],
  crashable: true,
  latencyMs: 1,
  intent: (context) => {
    const first = context.clientChanges[0];
    if (!first) return 'tracking its clients';
    const who = clientName(context.settings, first.client);
    return first.change === 'gone' ? `dropping ${who}'s connection` : `taking ${who}'s subscription`;
  },
  about: (context) => {
    const first = context.clientChanges[0];
    return first?.change === 'gone' ? ordersOfMessages(context.inFlight.filter((m) => m.client === first.client)) : [];
  },
  async run(ctx) {
    const context = ctx.context;
    const [change, ...rest] = context.clientChanges;
    const { client } = change!;
    const who = clientName(context.settings, client);
    const Who = who.charAt(0).toUpperCase() + who.slice(1);
    const pinned = context.settings.strategy === 'pinned';
    if (change!.change === 'gone') {
      const known = context.clients.find((c) => c.id === client);
      if (!known?.connected) {
        ctx.emit({ from: STORE, to: STORE, kind: 'offset-commit', label: `${client} already dropped`, ok: true });
        return { event: { type: 'CLIENTS_UPDATED', changes: { clientChanges: rest } }, caption: `The subscription had dropped ${who} already.` };
      }
      const dropped = dropClient(context, client);
      const label =
        dropped.retried.length === 0
          ? `drop ${client}: nothing in flight`
          : `drop ${client}: ${dropped.retried.map((m) => `${m.event.eventId} → retry ${m.retryCount + 1}`).join(', ')}`;
      ctx.emit({ from: STORE, to: STORE, kind: 'offset-commit', label: dropped.released.length > 0 ? `${label}; buckets ${dropped.released.join(', ')} released` : label, ok: true });
      return {
        event: { type: 'CLIENTS_UPDATED', changes: { ...dropped.changes, clientChanges: rest } },
        orders: ordersOfMessages(dropped.retried),
        caption:
          dropped.retried.length === 0
            ? `${Who} disconnects with nothing in flight.`
            : `${Who} disconnects: ${ids(dropped.retried)} go${dropped.retried.length === 1 ? 'es' : ''} back for retry at once.`,
      };
    }
    const { changes, moved } = connectClient(context, client);
    ctx.emit({
      from: client,
      to: STORE,
      kind: 'request',
      label: pinned && moved.length > 0 ? `subscribe ${client} (takes buckets ${moved.join(', ')})` : `subscribe ${client}`,
      ok: true,
    });
    return {
      event: { type: 'CLIENTS_UPDATED', changes: { ...changes, clientChanges: rest } },
      caption: pinned && moved.length > 0 ? `${Who} subscribes again and takes over bucket ${moved.join(', ')}.` : `${Who} subscribes to the group again.`,
    };
  },
};
