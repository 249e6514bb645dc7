/** retry-in-catch as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'retry-in-catch',
  title: 'Dual write with a retry in the catch block',
  promise: 'Commit, publish, and retry the publish when it throws. Loose: the catch also publishes rolled-back orders.',
  worstAnomaly: 'lost-event',
  participants: [client, service, postgres, broker, consumer],
  variants: [
    {
      id: 'default',
      label: 'try { insert; publish } catch { retry publish }',
      worstAnomaly: 'lost-event',
      summary: 'One try around both writes; the catch retries the publish up to three times, whichever write failed.',
    },
  ],
  hasConsumer: true,
  order: 30,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'publish', 'retry-publish', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
