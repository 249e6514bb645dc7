/**
 * persistent-subscription — "the outbox out of the box": the service's only write is appending
 * OrderPlaced to the event store, so there is no second write to keep in step. A persistent
 * subscription (a consumer group the store holds, `shipping`) pushes each event to a handler that
 * creates the shipment in Postgres and acks.
 *
 * What the lab shows, beyond the seed's happy path:
 * - delivery is at least once: a handler crash means a redelivery after the message timeout, and
 *   a subscription restart redelivers everything after the last checkpoint, acked or not (the
 *   seed says the checkpoint avoids reprocessing; it only bounds it). The unique key on
 *   `shipments.order_id` (or the idempotency switch) is what keeps that from shipping twice;
 * - skipping a malformed event (the seed's "graceful" skip) loses that order downstream for good;
 *   parking keeps it where an operator can replay it, ahead of newer events, but a replay cannot
 *   fix a body that was stored broken;
 * - a handler that catches its own errors and acks anyway loses an event to a brief outage;
 * - a handler that crashes is dropped at once and its messages retried without waiting for the
 *   timeout; one that hangs past the message timeout gets them again and finishes both copies;
 * - with two handlers, round robin can apply one order's events out of order; pinned keeps a
 *   stream on one handler only while nobody leaves or joins.
 *
 * This file is the definition. The order service is `service.ts`, the operator who replays parked
 * messages `operator.ts`; the subscription's server and handler are actors (machines/actors/
 * subscription-server/, subscription-client.ts).
 */
import { definePattern } from '../../kernel/pattern';
import { clientProcess } from '../../actors/client';
import { eventStore } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { EVENT_STORE_PARTICIPANT } from '../../actors/event-store';
import { APPLIED_EVENTS_TABLE } from '../../actors/consumer';
import { CONSUMER_TABLES } from '../../actors/postgres';
import {
  HANDLER_PARTICIPANT,
  SECOND_HANDLER_PARTICIPANT,
  SUBSCRIPTION_SETTINGS,
  subscriptionInspection,
  subscriptionServerProcess,
  type ConsumerStrategy,
  type SubscriptionServerContext,
} from '../../actors/subscription-server';
import { subscriptionHandlerProcess, type HandlerPolicy } from '../../actors/subscription-client';
import { info } from './info';
import { operatorProcess } from './operator';
import { appendOnlyServiceProcess } from './service';

export const PERSISTENT_SUBSCRIPTION_VARIANTS = ['default', 'park-malformed', 'no-unique-constraint', 'ack-on-error', 'round-robin', 'pinned'] as const;

/** The variants where two handler instances share the group, named after the strategy they show. */
function strategyOf(variant: string): ConsumerStrategy | null {
  return variant === 'round-robin' || variant === 'pinned' ? variant : null;
}

/** The seed's idempotency: one shipment per order, enforced by Postgres. */
export const SHIPMENTS_UNIQUE_ORDER = 'ALTER TABLE consumer.shipments ADD CONSTRAINT shipments_order_id_key UNIQUE (order_id)';

function policyFor(variant: string): HandlerPolicy {
  return { onMalformed: variant === 'park-malformed' ? 'park' : 'skip', ackOnError: variant === 'ack-on-error', recordApplied: strategyOf(variant) !== null };
}

function processesFor(variant: string) {
  const strategy = strategyOf(variant);
  const policy = policyFor(variant);
  if (!strategy) {
    return [appendOnlyServiceProcess(), subscriptionServerProcess('Event store'), subscriptionHandlerProcess('Shipping handler', policy)];
  }
  const settings = { ...SUBSCRIPTION_SETTINGS, strategy, clients: [HANDLER_PARTICIPANT, SECOND_HANDLER_PARTICIPANT] };
  return [
    // Two events per order, so one order's events can meet two handlers.
    appendOnlyServiceProcess(['OrderPlaced', 'OrderConfirmed']),
    subscriptionServerProcess('Event store', settings),
    subscriptionHandlerProcess('Shipping handler', policy, HANDLER_PARTICIPANT, { who: 'Handler 1' }),
    subscriptionHandlerProcess('Shipping handler 2', policy, SECOND_HANDLER_PARTICIPANT, { who: 'Handler 2' }),
  ];
}

export const pattern = definePattern({
  info,
  components: (wake) => ({ eventStore: eventStore(wake) }),
  outcome: (sources) => shipmentsOutcome(sources, 'event-store'),
  client: (scenario) => clientProcess(scenario.orders),
  schema: (variant) => [
    ...CONSUMER_TABLES,
    ...(variant === 'no-unique-constraint' ? [] : [SHIPMENTS_UNIQUE_ORDER]),
    // Only the two-handler variants fill it; every variant has it, as the catalogue lists it.
    APPLIED_EVENTS_TABLE,
  ],
  inspect: async ({ eventStore, contexts, now }) => [
    eventStore.inspection({ includeSystem: true }),
    subscriptionInspection(contexts[EVENT_STORE_PARTICIPANT] as SubscriptionServerContext | undefined, eventStore, now),
  ],
  processes: ({ variant }) => [...processesFor(variant), operatorProcess()],
});
