/**
 * The components patterns build their runs from, one factory each, so a pattern's definition
 * says in one line which it uses: `components: (wake) => ({ broker: broker(wake) })`.
 */
import type { Wake } from '../kernel/component';
import { Broker, MESSAGES_AVAILABLE } from './broker';
import { Cache } from './cache';
import { EventStore } from './event-store';

/** A Kafka-like broker; consumers waiting on a long poll wake when a message lands. */
export function broker(wake: Wake): Broker {
  return new Broker(() => wake(MESSAGES_AVAILABLE));
}

/** A KurrentDB-like event store; subscribers wake on the same signal as consumers of a broker. */
export function eventStore(wake: Wake): EventStore {
  return new EventStore(() => wake(MESSAGES_AVAILABLE));
}

/** A Redis-like cache; nobody waits on it. */
export function cache(): Cache {
  return new Cache();
}
