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
    // Only in lost-slot.
    { id: 'checkpointer', label: 'Checkpointer', kind: 'database', process: true, at: { col: 2, row: 1 } },
    { id: 'operator', label: 'Operator', kind: 'client', process: true, at: { col: 2, row: 0 } },
  ],
  variants: [
    {
      id: 'default',
      label: 'Flush offsets on a timer',
      worstAnomaly: 'duplicate-effect',
      summary:
        'The connector routes committed outbox inserts to outbox.event.Order and flushes its offset every 2 s of simulated time (Kafka Connect default: 60 s), then advances its slot: a crash re-sends all since.',
    },
    {
      id: 'delete-after-insert',
      label: 'Delete the outbox row at once',
      worstAnomaly: 'duplicate-effect',
      summary: 'The service deletes the outbox row in the same transaction: the table stays empty, the WAL still has the insert, and the router drops the DELETE.',
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
    {
      id: 'mark-published',
      label: 'Mark rows published',
      worstAnomaly: 'duplicate-effect',
      summary: 'The service also sets published = true on its outbox row, as polling-relay code does: the router warns on each UPDATE and skips it (table.op.invalid.behavior=warn).',
    },
    {
      id: 'lost-slot',
      label: 'Slot lost while down',
      worstAnomaly: 'lost-event',
      summary:
        'Down for a while, the connector meets a checkpoint that invalidates its slot: it held over max_slot_wal_keep_size (lab 1 MB; default -1, no limit, PostgreSQL 13+). A new snapshot finds the outbox empty: events lost.',
    },
  ],
  hasConsumer: true,
  order: 70,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    connector: ['connect', 'poll', 'publish', 'store-position', 'advance-slot', 'heartbeat', 'snapshot', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
    checkpointer: ['checkpoint'],
    operator: ['reindex', 'drop-slot'],
  },
};
