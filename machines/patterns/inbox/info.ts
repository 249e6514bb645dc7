/** inbox as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, relay, service } from '../participants';

export const info: PatternInfo = {
  id: 'inbox',
  title: 'Transactional inbox behind an outbox',
  promise: 'Store each message in an inbox keyed by its id before acking; process it from there, so a repeat stops at the inbox.',
  // Stopped at the inbox, a duplicate is only a delivery; the expiring inbox applies one twice (its own entry).
  worstAnomaly: 'duplicate-delivery',
  participants: [
    client,
    service,
    postgres,
    relay,
    broker,
    { ...consumer, label: 'Inbox consumer' },
    { id: 'processor', label: 'Inbox processor', kind: 'consumer', process: true, at: { col: 2, row: 2 } },
  ],
  variants: [
    {
      id: 'default',
      label: 'Keep message ids for the run',
      worstAnomaly: 'duplicate-delivery',
      summary:
        'The outbox relay publishes at least once. The consumer inserts each message into consumer.inbox with ON CONFLICT (message_id) DO NOTHING, then commits its offset; a processor ships from the inbox and marks the row processed in one transaction (Wolverine\'s durable inbox also stores, acks, then handles). A repeat finds its id and stops there, so the processed_events switch adds nothing. Real inboxes forget ids after a deduplication window (MassTransit 30 min, swept every 10 s; NServiceBus 7 days); the lab keeps them for the whole run.',
    },
    {
      id: 'expiring-inbox',
      label: 'Ids expire after a window',
      worstAnomaly: 'duplicate-effect',
      summary:
        'The processor deletes inbox rows processed longer ago than the deduplication window, as real inboxes do (real default MassTransit 30 min, lab 300 ms simulated, swept every 500 ms). A redelivery that comes later than the window finds no row, goes in as new and ships again. The lab\'s processed_events switch is never swept, so it still catches it.',
    },
  ],
  hasConsumer: true,
  order: 160,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    relay: ['poll', 'publish', 'mark', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
    processor: ['claim', 'process', 'purge', 'restart'],
  },
};
