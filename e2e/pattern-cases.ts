/**
 * One row per pattern: a link that arms a fault, and what the outcome panel must then show.
 * `patterns.spec.ts` opens each link in Chromium, plays to the end and checks the verdict, so
 * every pattern is driven in a real browser at least once.
 */
import type { AnomalyId } from '../machines/kernel/vocabulary';

export interface PatternCase {
  pattern: string;
  /** Query string (without `?`) that arms the fault. */
  query: string;
  /** Anomalies the outcome must list; empty means the outcome must be consistent. */
  expect: AnomalyId[];
  /** Anomalies that must not appear. */
  absent?: AnomalyId[];
  /** Text that must appear somewhere in the outcome panel (evidence or why). */
  evidence?: string;
}

export const PATTERN_CASES: PatternCase[] = [
  {
    pattern: 'naive-db-first',
    query: 'faults=crash@service.publish:2',
    expect: ['lost-event'],
    absent: ['phantom-event'],
    evidence: 'service.orders id=2',
  },
  {
    pattern: 'outbox-polling',
    query: 'faults=broker-unavailable@relay.publish:1',
    expect: [],
  },
  {
    pattern: 'outbox-polling',
    query: 'variant=id-cursor',
    expect: ['lost-event'],
    evidence: 'service.orders id=1',
  },
  {
    pattern: 'outbox-polling',
    query: 'variant=competing-relays&faults=crash@relay-2.publish:1',
    expect: ['out-of-order'],
    absent: ['lost-event'],
    evidence: 'OrderConfirmed before OrderPlaced',
  },
  {
    pattern: 'outbox-polling',
    query: 'variant=notify&faults=crash@relay.publish:1',
    expect: [],
  },
  {
    pattern: 'two-phase-commit',
    query: 'faults=crash@coordinator.commit-db:1',
    expect: ['blocked'],
    absent: ['lost-event'],
    evidence: 'could not obtain lock',
  },
  {
    pattern: 'outbox-cdc',
    query: 'faults=crash@connector.store-position:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'outbox.event.Order/p0@1',
  },
  {
    // The router warns on the UPDATEs and skips them; a crash before the flush still re-sends.
    pattern: 'outbox-cdc',
    query: 'variant=mark-published&faults=crash@connector.store-position:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'outbox.event.Order/p0@1',
  },
  {
    // The slot is invalidated while the connector is down; the new snapshot finds an empty outbox.
    pattern: 'outbox-cdc',
    query: 'variant=lost-slot',
    expect: ['lost-event'],
    absent: ['phantom-event', 'duplicate-effect'],
    evidence: 'service.orders id=1',
  },
  {
    // No outbox table: the event is a logical message in the order's transaction, replayed the same way.
    pattern: 'outbox-cdc',
    query: 'variant=wal-message&faults=crash@connector.store-position:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'outbox.event.Order/p0@1',
  },
  {
    // The relay publishes order 1 twice; the second copy stops at the inbox's primary key.
    pattern: 'inbox',
    query: 'faults=crash@relay.mark:1',
    expect: ['duplicate-delivery'],
    absent: ['duplicate-effect', 'lost-event'],
    evidence: 'applied only once',
  },
  {
    // A processor crash leaves its transaction open; read_uncommitted ships the aborted record and the retry.
    pattern: 'kafka-transactions',
    query: 'variant=read-uncommitted&faults=crash@processor.send-offsets:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'shp-evt-1',
  },
  {
    // Recovery re-runs the publish step whose checkpoint never committed.
    pattern: 'durable-execution',
    query: 'faults=crash@workflow.checkpoint:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'orders/p0@1',
  },
  {
    pattern: 'job-queue',
    query: 'faults=crash@worker.complete:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'orders/p0@1',
  },
  {
    // The release of declined order 2's stock fails once and is not retried: its item stays reserved.
    pattern: 'saga',
    query: 'variant=no-retry-compensation&faults=db-unavailable@orchestrator.release-stock:1',
    expect: ['half-done'],
    absent: ['duplicate-effect'],
    evidence: 'stock.reservations id=2',
  },
  {
    // A crash before the charge's answer is logged: recovery charges again with a new key.
    pattern: 'saga',
    query: 'faults=crash@orchestrator.record-step:2',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['half-done'],
    evidence: 'payment.charges id=2',
  },
  {
    pattern: 'cdc-table',
    query: 'variant=renamed-column',
    expect: ['lost-event'],
    absent: ['phantom-event', 'duplicate-effect'],
    evidence: 'service.orders id=1',
  },
  {
    pattern: 'naive-broker-first',
    query: 'faults=db-write-fails@service.write-order:1',
    expect: ['phantom-event'],
    absent: ['lost-event'],
    evidence: 'no order 1',
  },
  {
    pattern: 'retry-in-catch',
    query: 'faults=publish-timeout-stored@service.publish:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'orders/p0@1',
  },
  {
    pattern: 'after-commit-listener',
    query: 'variant=registry&faults=crash@listener.complete-publication:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'orders/p0@1',
  },
  {
    pattern: 'listen-to-yourself',
    query: 'faults=db-write-fails@service.publish:1',
    expect: ['phantom-event'],
    absent: ['lost-event'],
    evidence: 'negative amount',
  },
  {
    pattern: 'event-sourcing',
    query: 'faults=crash@consumer.save-checkpoint:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'order-1@0',
  },
  {
    pattern: 'event-sourcing',
    query: 'variant=checkpoint-after&faults=crash@projector.save-checkpoint:1',
    expect: ['duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'service.order_view order_id=1',
  },
  {
    pattern: 'persistent-subscription',
    query: 'variant=no-unique-constraint&faults=crash@event-store.checkpoint:1',
    expect: ['duplicate-delivery', 'duplicate-effect'],
    absent: ['lost-event', 'phantom-event'],
    evidence: 'order-1@0',
  },
  {
    pattern: 'persistent-subscription',
    query: 'faults=malformed-event@service.append:1',
    expect: ['lost-event'],
    absent: ['phantom-event', 'duplicate-effect'],
    evidence: 'OrderPlaced is in the event store',
  },
  {
    pattern: 'persistent-subscription',
    query: 'variant=round-robin',
    expect: ['out-of-order'],
    absent: ['lost-event', 'duplicate-effect'],
    evidence: 'OrderConfirmed before OrderPlaced',
  },
  {
    pattern: 'persistent-subscription',
    query: 'variant=pinned&faults=db-unavailable@consumer.handle:1',
    expect: ['duplicate-delivery', 'out-of-order'],
    absent: ['lost-event', 'duplicate-effect'],
    evidence: 'OrderConfirmed before OrderPlaced',
  },
  {
    pattern: 'persistent-subscription',
    query: 'variant=ack-on-error&faults=db-unavailable@consumer.handle:1',
    expect: ['lost-event'],
    absent: ['duplicate-delivery'],
    evidence: 'acks anyway',
  },
  {
    pattern: 'cache-set',
    query: 'faults=pause@service.cache-set:1',
    expect: ['stale-cache'],
    absent: ['lost-event'],
    evidence: 'holds version 2',
  },
  {
    // The reordered DELs leave no stale key, but the read during the delay was served stale.
    pattern: 'cache-delete',
    query: 'faults=pause@service.cache-delete:1',
    expect: ['stale-cache'],
    evidence: 'a later write healed the key',
  },
  {
    pattern: 'cache-delete',
    query: 'faults=pause@reader.fill:1',
    expect: ['stale-cache'],
    evidence: 'holds version 1',
  },
  {
    // The writer errs after its commit and skips the cache; the WAL still has the change, so the
    // invalidator's DEL heals the key (the reads during the connector's lag were stale).
    pattern: 'cache-delete',
    query: 'variant=cdc-invalidation&faults=commit-unknown@service-2.update-order:1',
    expect: ['stale-cache'],
    evidence: 'a later write healed the key',
  },
];
