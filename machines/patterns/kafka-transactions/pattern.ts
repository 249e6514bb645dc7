/**
 * kafka-transactions — the service commits the order and then publishes OrderPlaced itself (a
 * dual write: what fails between the two loses the event). A processor turns each OrderPlaced
 * into ShipmentRequested with read-process-write inside one Kafka transaction: the output record
 * and its input offset commit together, and a crash's open transaction is aborted when the
 * restarted processor fences its old epoch. The shipping consumer reads `shipments` with
 * read_committed (default) or read_uncommitted (variant) and ships in Postgres, committing its
 * own offset after the shipment: exactly-once ends where the broker does.
 */
import { clientProcess } from '../../actors/client';
import { broker } from '../../actors/components';
import { consumerProcess } from '../../actors/consumer';
import { shipmentsOutcome } from '../../actors/outcome-sources';
import { CONSUMER_TABLES, ORDERS_TABLE } from '../../actors/postgres';
import { definePattern } from '../../kernel/pattern';
import { naiveDbFirstServiceProcess } from '../naive-db-first/pattern';
import { info } from './info';
import { PROCESSOR_PARTICIPANT, processorMemory, processorProcess, SHIPMENTS_TOPIC } from './processor';

export const pattern = definePattern({
  info,
  components: (wake) => ({ broker: broker(wake) }),
  outcome: (sources) => shipmentsOutcome(sources),
  client: (scenario) => clientProcess(scenario.orders),
  schema: () => [ORDERS_TABLE, ...CONSUMER_TABLES],
  inspect: async ({ contexts }) => [processorMemory(contexts[PROCESSOR_PARTICIPANT])],
  processes: ({ variant }) => [
    naiveDbFirstServiceProcess(),
    processorProcess('Shipment processor'),
    consumerProcess(SHIPMENTS_TOPIC, 'Shipping consumer', { isolation: variant === 'read-uncommitted' ? 'read_uncommitted' : 'read_committed' }),
  ],
});
