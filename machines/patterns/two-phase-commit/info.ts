/** two-phase-commit as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'two-phase-commit',
  title: 'Two-phase commit across Postgres and the broker',
  promise: 'A coordinator prepares both, then commits both: all or nothing, if every participant can prepare.',
  worstAnomaly: 'blocked',
  participants: [client, service, postgres, { id: 'coordinator', label: 'Coordinator', kind: 'coordinator', process: true }, broker, consumer],
  variants: [
    {
      id: 'default',
      label: 'XA-capable broker',
      worstAnomaly: 'blocked',
      summary: 'The broker can prepare a message and show it only on commit, so both orders commit. A coordinator crash between the phases holds locks in doubt until it restarts and recovers from its log. A real PostgreSQL has max_prepared_transactions = 0 by default (the lab starts with 10): there PREPARE TRANSACTION fails with "prepared transactions are disabled" and every order aborts.',
    },
    {
      id: 'kafka-broker',
      label: 'Kafka-like broker',
      worstAnomaly: 'blocked',
      summary: 'The broker is an append-only log with no prepare: it cannot enlist, so every order aborts. Consistent, and nothing works.',
    },
  ],
  hasConsumer: true,
  order: 40,
  faultTargets: {
    client: ['send-order'],
    service: ['check-stock', 'restart'],
    coordinator: ['prepare-db', 'prepare-broker', 'log-commit', 'commit-db', 'commit-broker', 'rollback-db', 'recover', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
