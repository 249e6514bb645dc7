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
    {
      id: 'idempotent-producer',
      label: 'Idempotent Kafka producer',
      worstAnomaly: 'lost-event',
      summary:
        'The producer stamps each record with its producer id and a sequence, and resends a failed or timed-out record itself; the broker stores a stamp once, so a lost ack no longer makes a copy. Only the producer\'s resends are covered: when it gives up, the catch sends a new record and that one is a duplicate. A crash still loses the event, and a rolled-back order is still published. Kafka resends for up to delivery.timeout.ms (120 s, retries unbounded, 100 ms apart); the lab resends twice, 100 ms apart.',
    },
  ],
  hasConsumer: true,
  order: 30,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'publish', 'retry-publish', 'restart', 'producer-resend'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
