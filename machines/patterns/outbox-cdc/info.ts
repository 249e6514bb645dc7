/** outbox-cdc as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'outbox-cdc',
  title: 'Transactional outbox read from the write-ahead log',
  promise: 'Write the order and its event in one transaction; a connector tails the WAL and publishes committed events.',
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
      label: 'Confirm when it emits',
      worstAnomaly: 'duplicate-effect',
      summary: 'The connector decodes committed outbox inserts from the WAL, publishes them, stores its position, then advances its slot.',
    },
    {
      id: 'delete-after-insert',
      label: 'Delete the outbox row at once',
      worstAnomaly: 'duplicate-effect',
      summary: 'The service deletes the outbox row in the same transaction: the table stays empty, the WAL still has the insert.',
    },
    {
      id: 'heartbeat',
      label: 'Heartbeat',
      worstAnomaly: 'duplicate-effect',
      summary: 'When it reads only other tables, the connector writes a heartbeat row it can confirm, so its slot keeps moving.',
    },
    {
      id: 'wal-message',
      label: 'Outbox with no table',
      worstAnomaly: 'duplicate-effect',
      summary:
        "The service emits the event with pg_logical_emit_message in the order's transaction; no outbox table. The connector publishes messages with prefix outbox (Debezium: pgoutput's messages option, PostgreSQL 14+).",
    },
  ],
  hasConsumer: true,
  order: 70,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    connector: ['connect', 'poll', 'publish', 'store-position', 'advance-slot', 'heartbeat', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
