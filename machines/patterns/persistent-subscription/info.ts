/** persistent-subscription as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { client, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'persistent-subscription',
  title: 'Event store with a persistent subscription',
  promise: 'Append the event and nothing else; the store pushes it to a consumer group that writes Postgres.',
  // The default handler skips a malformed event, which loses it; every variant can lose one too.
  worstAnomaly: 'lost-event',
  participants: [
    { ...client, at: { col: 0, row: 0 } },
    { ...service, at: { col: 0, row: 1 } },
    { id: 'event-store', label: 'Event store', kind: 'event-store', process: true, at: { col: 1, row: 1 } },
    { id: 'consumer', label: 'Shipping handler', kind: 'consumer', process: true, at: { col: 2, row: 1 } },
    // Only the two-handler variants (round-robin, pinned) run it.
    { id: 'consumer-2', label: 'Shipping handler 2', kind: 'consumer', process: true, at: { col: 2, row: 0 } },
    { ...postgres, at: { col: 2, row: 2 } },
    { id: 'operator', label: 'Operator', kind: 'client', process: true, at: { col: 1, row: 2 } },
  ],
  variants: [
    {
      id: 'default',
      label: 'Unique key, skip what cannot parse',
      worstAnomaly: 'lost-event',
      summary:
        'The handler acks a shipment the unique key refuses and skips a malformed event, which loses it. A handler crash sends its unanswered events back at once (retry count +1); a hang past the message timeout (1 s here, 30 s by default) gets them delivered again; a nack past 2 retries (10 by default) parks the event. The checkpoint (on a 1 s tick after 1 s with 2+ processed, or at once at 4; KurrentDB defaults 2 s, 10, 1000) trails the acks: a restarted subscription delivers again after it, not "without reprocessing" as the seed says.',
    },
    {
      id: 'park-malformed',
      label: 'Park what cannot parse',
      worstAnomaly: 'lost-event',
      summary: 'A malformed event is parked in a durable stream; an operator replays it ahead of newer events. The body is still broken, so it parks again.',
    },
    {
      id: 'no-unique-constraint',
      label: 'No unique key',
      worstAnomaly: 'lost-event',
      summary:
        'Shipments has no unique key: an event redelivered after a subscription restart, or to a handler that hung past the message timeout and then finished it anyway, ships twice unless the idempotency switch is on.',
    },
    {
      id: 'ack-on-error',
      label: 'Ack in the catch block',
      worstAnomaly: 'lost-event',
      summary: 'The handler catches its own errors and acks anyway: a moment of database downtime loses the event without a trace.',
    },
    {
      id: 'round-robin',
      label: 'Two handlers, round robin',
      worstAnomaly: 'lost-event',
      summary:
        "Two handler instances share the group with KurrentDB's default strategy, and each order's stream holds OrderPlaced then OrderConfirmed. Round robin gives the two events to different handlers at once, so either may be applied first: out of order, as the docs warn (\"not guaranteed with any strategy\").",
    },
    {
      id: 'pinned',
      label: 'Two handlers, pinned by stream',
      worstAnomaly: 'lost-event',
      summary:
        'Two handlers, the Pinned strategy: each stream hashes into one of 1024 buckets and a bucket stays on one handler, so the events of an order go to one handler while both stay connected. That is best effort: a nack retry of OrderPlaced lets the same handler apply OrderConfirmed first, and a handler crash hands its buckets to the other, which takes a share back when it returns.',
    },
  ],
  hasConsumer: true,
  order: 110,
  faultTargets: {
    client: ['send-order'],
    service: ['append', 'retry-append', 'restart'],
    'event-store': ['load-checkpoint', 'track-clients', 'read', 'push', 'record-replies', 'expire', 'park', 'checkpoint', 'replay-parked', 'restart'],
    consumer: ['handle', 'ack', 'nack', 'restart'],
    'consumer-2': ['handle', 'ack', 'nack', 'restart'],
    operator: ['request-replay'],
  },
};
