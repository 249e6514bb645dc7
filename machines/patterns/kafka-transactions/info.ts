/** kafka-transactions as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'kafka-transactions',
  title: 'Kafka transactions: exactly-once inside the broker',
  promise: 'Consume, produce and commit the offset in one broker transaction; the first write into Postgres stays outside it.',
  worstAnomaly: 'lost-event',
  participants: [
    client,
    service,
    postgres,
    broker,
    { id: 'processor', label: 'Shipment processor', kind: 'consumer', process: true, at: { col: 2, row: 2 } },
    consumer,
  ],
  variants: [
    {
      id: 'default',
      label: 'Consumer reads read_committed',
      worstAnomaly: 'lost-event',
      summary:
        'The service commits the order, then publishes OrderPlaced: still a dual write, so a crash in between loses the event. A processor consumes it and, in one Kafka transaction, produces ShipmentRequested and sends its input offset; a crash leaves the transaction open until the restart fences the old epoch and aborts it (real transaction.timeout.ms 60 s aborts an abandoned one; lab: the restart, 300 ms simulated). The shipping consumer reads with isolation.level=read_committed (real default read_uncommitted in the Java client, read_committed in librdkafka since 1.2), so it never sees aborted output. Kafka cannot join an external 2PC (KIP-939 was pulled): its own offset commit and the Postgres shipment are two writes again.',
    },
    {
      id: 'read-uncommitted',
      label: 'Consumer reads read_uncommitted',
      worstAnomaly: 'lost-event',
      summary:
        'The same processor, but the shipping consumer keeps the Java client\'s real default, isolation.level=read_uncommitted. It is handed records of open and aborted transactions: after a processor crash it ships the aborted ShipmentRequested and then the retried one, so the order ships twice unless the processed_events switch catches the repeated event id.',
    },
  ],
  hasConsumer: true,
  order: 170,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'publish', 'restart'],
    processor: ['init-transactions', 'fetch', 'produce', 'send-offsets', 'commit', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
