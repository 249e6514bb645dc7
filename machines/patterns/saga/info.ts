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
        'The order service commits the order, PENDING, with the saga\'s first log entry. The orchestrator logs each step as started, calls the stock service (reserve) and the payment service (charge), logs the answer, and confirms the order in one transaction with its last entry. A refused step turns the saga back: every step it started is undone, newest first (refund, release), and the order cancelled. Order 2 shows it with no fault armed, its card too low for 15 EUR. A compensation that fails is retried from the log until it holds, and a crashed orchestrator resumes from the log, calling again any step left without an answer. Each call carries the step\'s idempotency key, so a repeat is recognised; with the switch off every attempt gets a new key and a retried charge is a second charge. The storefront\'s reads show the saga half-way: stock taken for a PENDING order. Real engines do the bookkeeping for you: Temporal records an event history and retries activities with backoff (no attempt limit by default), an AWS Step Functions Retry rule makes three retries unless told otherwise and Catch routes a failure to compensation states, Camunda runs BPMN compensation handlers, Axon keeps saga state in a saga store. The lab retries every 0.5 s without limit and runs the three services\' tables in one Postgres.',
    },
    {
      id: 'no-retry-compensation',
      label: 'Compensation tried once',
      worstAnomaly: 'half-done',
      summary:
        'The same saga, but a compensation that fails (the stock or payment service briefly down, or its answer lost) is not retried: the orchestrator logs that it gave up and leaves the saga to an operator. Declined order 2\'s item stays reserved (or a card stays charged) for an order neither confirmed nor cancelled: a half-done saga, lasting until someone repairs it by hand. This is what a retry limit does when nothing watches it: Step Functions fails the execution once a compensation state\'s retries are spent and no Catch handles it, and Camunda raises an incident when a job runs out of retries (3 by default) and waits for an operator. The lab gives up after a single failure to make the window easy to hit.',
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
