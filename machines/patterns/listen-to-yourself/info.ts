/** listen-to-yourself as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'listen-to-yourself',
  title: 'Listen to yourself',
  promise: 'Only publish; your own consumer writes your database. No dual write, but no read-your-writes either.',
  worstAnomaly: 'phantom-event',
  participants: [
    client,
    service,
    postgres,
    broker,
    { id: 'projector', label: 'Order projector', kind: 'consumer', process: true, at: { col: 2, row: 1 } },
    consumer,
  ],
  variants: [
    {
      id: 'default',
      label: 'Publish, project, ship',
      worstAnomaly: 'phantom-event',
      summary: 'The service publishes OrderPlaced; its projector writes service.orders, the shipping consumer ships, each in its own group.',
    },
  ],
  hasConsumer: true,
  order: 90,
  faultTargets: {
    client: ['send-order'],
    service: ['publish', 'read-own-order', 'restart'],
    projector: ['fetch', 'apply', 'commit-offset', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
