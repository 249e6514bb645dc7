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
      summary: 'The connector turns each committed INSERT, UPDATE and DELETE of orders into a c/u/d event with before and after.',
    },
    {
      id: 'renamed-column',
      label: 'Column renamed upstream',
      worstAnomaly: 'lost-event',
      summary: 'The service calls the column total_cents now; the consumer still reads after.amount_cents.',
    },
  ],
  hasConsumer: true,
  order: 80,
  faultTargets: {
    client: ['send-order'],
    service: ['place-order', 'change-order', 'cancel-order', 'restart'],
    connector: ['connect', 'poll', 'publish', 'store-position', 'advance-slot', 'heartbeat', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
