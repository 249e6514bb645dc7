/** outbox-polling as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, relay, service } from '../participants';

export const info: PatternInfo = {
  id: 'outbox-polling',
  title: 'Transactional outbox with a polling relay',
  promise: 'Write the order and its event in one transaction; a relay publishes the event later.',
  // The default relay duplicates at worst; the id-cursor variant loses events (its own entry says so).
  worstAnomaly: 'duplicate-effect',
  participants: [
    client,
    service,
    postgres,
    relay,
    // Runs in the competing-relays variant only (a run shows only the participants it has).
    { id: 'relay-2', label: 'Outbox relay 2', kind: 'relay', process: true, at: { col: 2, row: 1 } },
    broker,
    consumer,
  ],
  variants: [
    {
      id: 'default',
      label: 'Poll unpublished rows',
      worstAnomaly: 'duplicate-effect',
      summary: 'The relay selects unpublished rows in creation order, publishes each, then marks it published.',
    },
    {
      id: 'id-cursor',
      label: 'Poll after the last id',
      worstAnomaly: 'lost-event',
      summary: 'The relay reads ids above the last it published. Ids (like created_at) follow the insert, not the commit: a lower id committed later is skipped for good.',
    },
    {
      id: 'competing-relays',
      label: 'Two relays claiming rows',
      worstAnomaly: 'duplicate-effect',
      summary: 'Two relays claim rows with UPDATE … SKIP LOCKED under a lease. One order\'s events can leave in the wrong order; a crashed claimer\'s rows wait out its lease.',
    },
    {
      id: 'auto-commit',
      label: 'Consumer auto-commits',
      worstAnomaly: 'lost-event',
      summary:
        'The relay is the default one; the consumer\'s offsets are auto-committed as soon as a batch is handed to it, before any shipment exists, as librdkafka does by default (enable.auto.commit with auto.offset.store, every 5 s there, at once here). A crash before the effect skips the event for good: at most once, though the outbox delivered it. The Java client commits in poll() what the previous poll returned, which only loses events handed to another thread.',
    },
    {
      id: 'notify',
      label: 'Relay woken by NOTIFY',
      worstAnomaly: 'duplicate-effect',
      summary:
        'The service\'s transaction also runs pg_notify, which Postgres delivers only when it commits; the listening relay wakes and drains the outbox at once instead of waiting out its poll. Postgres stores no notification: one sent while the relay is down is lost, and the row waits for the fallback poll (5 s here; a tuning choice, from seconds to minutes). Delivery is still at least once: a crash between publish and mark sends again.',
    },
  ],
  hasConsumer: true,
  order: 60,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'restart', 'reserve-id'],
    relay: ['poll', 'publish', 'mark', 'restart', 'claim', 'listen'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart', 'auto-commit'],
    'relay-2': ['claim', 'publish', 'mark', 'restart'],
  },
};
