/** naive-db-first as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'naive-db-first',
  title: 'Naive dual write: database first',
  promise: 'Commit the order, then publish the event, and hope nothing fails in between.',
  worstAnomaly: 'lost-event',
  participants: [client, service, postgres, broker, consumer],
  variants: [{ id: 'default', label: 'Commit, then publish', summary: 'The service commits the order and then publishes OrderPlaced itself.', worstAnomaly: 'lost-event' }],
  hasConsumer: true,
  order: 10,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'publish', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
