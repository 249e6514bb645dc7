/** saga as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { client, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'saga',
  title: 'Orchestrated saga',
  promise: 'Reserve stock, charge the card, confirm the order, each in its own service; when a step is refused, undo the ones before it.',
  // A retried step with a new idempotency key charges twice; with the key kept, nothing worse than a repeat.
  worstAnomaly: 'duplicate-effect',
  participants: [
    // The flow view: Postgres in the middle; the orchestrator beside it, between the two services it calls.
    client,
    service,
    postgres,
    { id: 'orchestrator', label: 'Saga orchestrator', kind: 'coordinator', process: true, at: { col: 2, row: 1 } },
    // Called directly by the orchestrator: each call is that service's local transaction in its own schema.
    { id: 'stock', label: 'Stock service', kind: 'service', process: false, at: { col: 2, row: 0 } },
    { id: 'payment', label: 'Payment service', kind: 'service', process: false, at: { col: 2, row: 2 } },
    { id: 'storefront', label: 'Storefront (reader)', kind: 'client', process: true, at: { col: 0, row: 1 } },
  ],
  variants: [
    {
      id: 'default',
      label: 'Compensations retried',
      worstAnomaly: 'duplicate-effect',
      summary:
        "The orchestrator logs each step before and after calling stock and payment; a refused step is undone newest first (refund, release) and the order cancelled, as order 2's declined card shows with no fault. Failed compensations are retried from the log, and a crashed orchestrator resumes from it; with the switch off a retried charge gets a new key and charges twice. Temporal, Step Functions, Camunda and Axon keep this log for you; the lab retries every 0.5 s without limit.",
    },
    {
      id: 'no-retry-compensation',
      label: 'Compensation tried once',
      worstAnomaly: 'half-done',
      summary:
        "A compensation that fails is given up, not retried: order 2's item stays reserved (or its card charged) for an order neither confirmed nor cancelled, a half-done saga until an operator repairs it. Step Functions fails the execution when a compensation's retries run out, and Camunda raises an incident after 3; the lab gives up after one failure.",
    },
  ],
  // The switch: whether a retried call keeps its step's idempotency key, so the participant can recognise it.
  hasConsumer: true,
  idempotencySwitch: {
    label: 'Retries keep their idempotency key',
    turnedOn: 'Every retry of a step then carries the same key, so the stock and payment services recognise a repeat and apply it once.',
  },
  // Beyond the articles, after durable execution, the job queue, the inbox and Kafka transactions.
  order: 180,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    orchestrator: ['recover', 'log-step', 'reserve-stock', 'charge-payment', 'release-stock', 'refund-payment', 'record-step', 'give-up', 'confirm-order', 'cancel-order', 'restart'],
    storefront: ['read-orders', 'read-stock'],
  },
};
