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
    { ...postgres, at: { col: 2, row: 2 } },
    { id: 'operator', label: 'Operator', kind: 'client', process: true, at: { col: 1, row: 2 } },
  ],
  variants: [
    {
      id: 'default',
      label: 'Unique key, skip what cannot parse',
      worstAnomaly: 'lost-event',
      summary:
        'The handler acks a shipment the unique key refuses and skips a malformed event, which loses it. The checkpoint trails the acks: a restarted subscription delivers again from it, not "without reprocessing" as the seed says.',
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
      summary: 'Shipments has no unique key: an event redelivered after a subscription restart ships twice unless the idempotency switch is on.',
    },
    {
      id: 'ack-on-error',
      label: 'Ack in the catch block',
      worstAnomaly: 'lost-event',
      summary: 'The handler catches its own errors and acks anyway: a moment of database downtime loses the event without a trace.',
    },
  ],
  hasConsumer: true,
  order: 110,
  faultTargets: {
    client: ['send-order'],
    service: ['append', 'retry-append', 'restart'],
    'event-store': ['load-checkpoint', 'read', 'push', 'record-replies', 'expire', 'park', 'checkpoint', 'replay-parked', 'restart'],
    consumer: ['handle', 'ack', 'nack', 'restart'],
    operator: ['request-replay'],
  },
};
