/**
 * inbox — the outbox on the sending side (order and outbox row in one transaction, a polling
 * relay that publishes at least once), and an inbox on the receiving side: the consumer stores
 * each message in `consumer.inbox` keyed by its id and only then commits its offset; a separate
 * processor ships from the inbox and marks the row processed in one transaction. Whatever
 * repeats upstream (a relay crash before the mark, a consumer crash before the ack) stops at
 * the inbox's primary key.
 *
 * The `expiring-inbox` variant sweeps processed rows after a deduplication window, as real
 * inboxes do: a redelivery later than the window is taken for a new message.
 *
 * This is the store-ack-then-process form (Wolverine's durable inbox works so). MassTransit's
 * EF Core inbox instead records the message id in the handler's own transaction, which is what
 * the processed_events switch does. Either way only effects inside that Postgres transaction are
 * deduplicated: an email or an HTTP call made from the processor could repeat after a crash
 * before the commit. The lab does not run such an effect.
 */
import { ORDERS_TOPIC, pollingRelayProcess, RELAY_PARTICIPANT, relayMemory } from '../../actors/outbox-relay';
import { CONSUMER_TABLES, ORDERS_TABLE, OUTBOX_PENDING_INDEX, OUTBOX_TABLE } from '../../actors/postgres';
import { clientProcess } from '../../actors/client';
import { broker } from '../../actors/components';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { definePattern } from '../../kernel/pattern';
import { serviceProcess } from '../outbox-polling/pattern';
import { INBOX_PENDING_INDEX, INBOX_TABLE, inboxConsumerProcess } from './consumer';
import { info } from './info';
import { PROCESSOR_PARTICIPANT, processorMemory, processorProcess } from './processor';

/**
 * How long the expiring inbox keeps a processed message id, in simulated ms: shorter than a
 * relay's crash, restart and next poll, so that redelivery comes after the id is gone. Real
 * windows are minutes to days (MassTransit 30 min, NServiceBus 7 days); so are real outages.
 */
export const INBOX_RETENTION_MS = 300;

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [ORDERS_TABLE, OUTBOX_TABLE, OUTBOX_PENDING_INDEX, INBOX_TABLE, INBOX_PENDING_INDEX, ...CONSUMER_TABLES],
  inspect: async ({ contexts }) => [relayMemory(contexts[RELAY_PARTICIPANT]), processorMemory(contexts[PROCESSOR_PARTICIPANT])],
  processes: ({ variant }) => [
    serviceProcess(['OrderPlaced']),
    pollingRelayProcess('Outbox relay'),
    inboxConsumerProcess(ORDERS_TOPIC, 'Inbox consumer'),
    processorProcess('Inbox processor', variant === 'expiring-inbox' ? INBOX_RETENTION_MS : undefined),
  ],
});
