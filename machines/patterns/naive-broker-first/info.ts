/** naive-broker-first as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'naive-broker-first',
  title: 'Naive dual write: broker first',
  promise: 'Publish the event, then write the order, and hope the write never fails.',
  worstAnomaly: 'phantom-event',
  participants: [client, service, postgres, broker, consumer],
  variants: [
    {
      id: 'default',
      label: 'Publish, then commit',
      worstAnomaly: 'phantom-event',
      summary: 'The service publishes OrderPlaced with the client-assigned order id, then inserts the order.',
    },
  ],
  hasConsumer: true,
  order: 20,
  faultTargets: {
    client: ['send-order'],
    service: ['publish', 'write-order', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
