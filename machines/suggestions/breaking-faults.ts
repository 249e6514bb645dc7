/**
 * For every form of every pattern that one fault can break: one fault that does, in its default
 * scenario (seed 1, orders at 0 and 40 ms, idempotency off), and the worst anomaly it shows there.
 * The outcome panel suggests it after a clean run. Picked from the build's exploration
 * (public/generated/compare/cases), most severe anomaly first and a crash where one will do;
 * breaking-faults.test.ts replays each entry and fails when it no longer shows what it says, and
 * when a variant that can break has no entry here.
 */
import type { ArmedFault } from '../kernel/types';
import type { AnomalyId } from '../kernel/vocabulary';

export interface BreakingFault {
  fault: ArmedFault;
  /** The worst anomaly the default scenario shows with this fault armed. */
  shows: AnomalyId;
}

const crash = (at: string, shows: AnomalyId): BreakingFault => ({ fault: { kind: 'crash', at }, shows });

/** Pattern id → variant id → the fault. */
export const BREAKING_FAULTS: Readonly<Record<string, Readonly<Record<string, BreakingFault>>>> = {
  'naive-db-first': { default: crash('service.publish:1', 'lost-event') },
  'naive-broker-first': { default: crash('service.write-order:1', 'phantom-event') },
  'retry-in-catch': { default: crash('service.publish:1', 'lost-event'), 'idempotent-producer': crash('service.publish:1', 'lost-event') },
  'two-phase-commit': {
    default: crash('coordinator.prepare-broker:1', 'blocked'),
    'kafka-broker': crash('coordinator.prepare-broker:1', 'blocked'),
  },
  'after-commit-listener': {
    default: crash('listener.send:1', 'lost-event'),
    registry: { fault: { kind: 'commit-unknown', at: 'service.write-order:1' }, shows: 'lost-event' },
    'registry-delete': { fault: { kind: 'commit-unknown', at: 'service.write-order:1' }, shows: 'lost-event' },
    'registry-archive': { fault: { kind: 'commit-unknown', at: 'service.write-order:1' }, shows: 'lost-event' },
    resubmit: { fault: { kind: 'publish-timeout-stored', at: 'listener.send:1' }, shows: 'duplicate-effect' },
    'two-instances': { fault: { kind: 'broker-unavailable', at: 'listener.send:1' }, shows: 'duplicate-effect' },
  },
  'outbox-polling': {
    default: crash('relay.mark:1', 'duplicate-effect'),
    'id-cursor': crash('consumer.fetch:1', 'lost-event'),
    'competing-relays': crash('relay-2.mark:1', 'duplicate-effect'),
    'auto-commit': crash('consumer.apply:1', 'lost-event'),
    notify: crash('relay.mark:1', 'duplicate-effect'),
  },
  'outbox-cdc': {
    default: crash('connector.publish:2', 'duplicate-effect'),
    'delete-after-insert': crash('connector.publish:2', 'duplicate-effect'),
    heartbeat: crash('connector.publish:2', 'duplicate-effect'),
    'wal-message': crash('connector.publish:2', 'duplicate-effect'),
    'mark-published': crash('connector.publish:2', 'duplicate-effect'),
    'lost-slot': crash('connector.snapshot:1', 'lost-event'),
  },
  // The default only redelivers (the inbox stops the repeat); an expired id lets it ship twice.
  inbox: { default: crash('relay.mark:1', 'duplicate-delivery'), 'expiring-inbox': crash('relay.mark:1', 'duplicate-effect') },
  // The dual write before the publish breaks both; read_uncommitted also ships twice after a processor crash (crash@processor.commit:1).
  'kafka-transactions': { default: crash('service.publish:1', 'lost-event'), 'read-uncommitted': crash('service.publish:1', 'lost-event') },
  'cdc-table': {
    default: crash('connector.publish:2', 'duplicate-effect'),
    'renamed-column': crash('connector.publish:2', 'lost-event'),
  },
  // A crash after the publish and before its checkpoint runs step 2 again on recovery.
  'durable-execution': {
    default: crash('workflow.checkpoint:1', 'duplicate-effect'),
    // A crash between the order and its checkpoint: the re-run hits the primary key, the workflow errs.
    'no-transactional-step': crash('workflow.checkpoint-order:1', 'lost-event'),
  },
  'job-queue': {
    default: { fault: { kind: 'malformed-event', at: 'service.write-order:1' }, shows: 'lost-event' },
    'two-workers': { fault: { kind: 'malformed-event', at: 'service.write-order:1' }, shows: 'lost-event' },
  },
  // A crash after the charge and before its answer is logged: recovery charges again, with a new key.
  saga: {
    default: crash('orchestrator.record-step:2', 'duplicate-effect'),
    // The release of declined order 2's stock fails once and is written off: order 2 is left half-done.
    'no-retry-compensation': { fault: { kind: 'db-unavailable', at: 'orchestrator.release-stock:1' }, shows: 'half-done' },
  },
  'listen-to-yourself': { default: { fault: { kind: 'db-write-fails', at: 'service.publish:1' }, shows: 'phantom-event' } },
  'event-sourcing': {
    default: crash('consumer.save-checkpoint:1', 'duplicate-effect'),
    'checkpoint-after': crash('projector.save-checkpoint:1', 'duplicate-effect'),
    rebuild: crash('consumer.save-checkpoint:1', 'duplicate-effect'),
  },
  'persistent-subscription': {
    default: { fault: { kind: 'malformed-event', at: 'service.append:1' }, shows: 'lost-event' },
    'park-malformed': { fault: { kind: 'malformed-event', at: 'service.append:1' }, shows: 'lost-event' },
    'no-unique-constraint': { fault: { kind: 'malformed-event', at: 'service.append:1' }, shows: 'lost-event' },
    'ack-on-error': { fault: { kind: 'malformed-event', at: 'service.append:1' }, shows: 'lost-event' },
    'round-robin': { fault: { kind: 'malformed-event', at: 'service.append:1' }, shows: 'lost-event' },
    pinned: { fault: { kind: 'malformed-event', at: 'service.append:1' }, shows: 'lost-event' },
  },
  'cache-set': { default: crash('service.cache-set:1', 'stale-cache'), 'versioned-set': crash('service.cache-set:1', 'stale-cache') },
  'cache-delete': {
    default: crash('service.cache-delete:1', 'stale-cache'),
    'double-delete': crash('service.cache-delete:1', 'stale-cache'),
    lease: crash('service.cache-delete:1', 'stale-cache'),
    // The lag alone serves stale reads; the slow reader's fill keeps the old version until the TTL.
    'cdc-invalidation': { fault: { kind: 'pause', at: 'reader.fill:1' }, shows: 'stale-cache' },
  },
};

export function breakingFault(pattern: string, variant: string): BreakingFault | undefined {
  return Object.hasOwn(BREAKING_FAULTS, pattern) && Object.hasOwn(BREAKING_FAULTS[pattern]!, variant) ? BREAKING_FAULTS[pattern]![variant] : undefined;
}
