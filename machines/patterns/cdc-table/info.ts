/** cdc-table as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'cdc-table',
  title: 'Change data capture on the orders table',
  promise: 'Write only the table; a connector streams its row changes from the WAL, and consumers parse your rows.',
  // Streamed row changes can be applied twice at worst; a column renamed upstream loses events (its own entry).
  worstAnomaly: 'duplicate-effect',
  participants: [
    client,
    service,
    postgres,
    { id: 'connector', label: 'Connector', kind: 'connector', process: true },
    broker,
    consumer,
  ],
  variants: [
    {
      id: 'default',
      label: 'Stream row changes',
      worstAnomaly: 'duplicate-effect',
      summary:
        'The connector turns each committed INSERT, UPDATE and DELETE of orders into a c/u/d event with before and after, and flushes its offset every 2 s of simulated time (Kafka Connect default: 60 s).',
    },
    {
      id: 'renamed-column',
      label: 'Column renamed upstream',
      worstAnomaly: 'lost-event',
      summary:
        'After the first order the service renames amount_cents to total_cents. Changes before it still parse; from the next one on the connector sends the new name, as Debezium does, and the consumer finds no amount.',
    },
  ],
  hasConsumer: true,
  order: 80,
  faultTargets: {
    client: ['send-order'],
    service: ['place-order', 'change-order', 'cancel-order', 'rename-column', 'restart'],
    connector: ['connect', 'poll', 'publish', 'store-position', 'advance-slot', 'heartbeat', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
