/**
 * Who can be faulted in each pattern, and at which operations: the `actor.operation` half of a
 * fault point, as plain data. The lab page checks a link's faults against it without loading the
 * statecharts (they live in the worker), so `crash@relya.mark` is reported as a typo instead of
 * being armed and silently never reached. Each entry is the union over the pattern's variants;
 * fault-targets.test.ts derives the same table from the statecharts and fails when they drift.
 */
import type { PatternId } from '../kernel/vocabulary';

export type FaultTargets = Readonly<Record<string, readonly string[]>>;

export const FAULT_TARGETS: Readonly<Record<PatternId, FaultTargets>> = {
  'naive-db-first': {
    client: ['send-order'],
    service: ['write-order', 'publish', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
  'outbox-polling': {
    client: ['send-order'],
    service: ['write-order', 'restart', 'reserve-id'],
    relay: ['poll', 'publish', 'mark', 'restart', 'claim'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
    'relay-2': ['claim', 'publish', 'mark', 'restart'],
  },
  'outbox-cdc': {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    connector: ['connect', 'poll', 'publish', 'store-position', 'advance-slot', 'heartbeat', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
  'cdc-table': {
    client: ['send-order'],
    service: ['place-order', 'change-order', 'cancel-order', 'restart'],
    connector: ['connect', 'poll', 'publish', 'store-position', 'advance-slot', 'heartbeat', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
  'naive-broker-first': {
    client: ['send-order'],
    service: ['publish', 'write-order', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
  'retry-in-catch': {
    client: ['send-order'],
    service: ['write-order', 'publish', 'retry-publish', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
  'after-commit-listener': {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    listener: ['send', 'complete-publication', 'republish-incomplete', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
  'two-phase-commit': {
    client: ['send-order'],
    service: ['check-stock', 'restart'],
    coordinator: ['prepare-db', 'prepare-broker', 'log-commit', 'commit-db', 'commit-broker', 'rollback-db', 'recover', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
  'listen-to-yourself': {
    client: ['send-order'],
    service: ['publish', 'read-own-order', 'restart'],
    projector: ['fetch', 'apply', 'commit-offset', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
  'event-sourcing': {
    client: ['send-order'],
    service: ['read-stream', 'append', 'reply', 'restart'],
    'service-2': ['read-stream', 'append', 'reply', 'restart'],
    projector: ['load-checkpoint', 'read', 'apply', 'save-checkpoint', 'restart'],
    consumer: ['load-checkpoint', 'read', 'apply', 'save-checkpoint', 'restart'],
    operator: ['rebuild-projection'],
  },
  'persistent-subscription': {
    client: ['send-order'],
    service: ['append', 'retry-append', 'restart'],
    'event-store': ['load-checkpoint', 'read', 'push', 'record-replies', 'expire', 'park', 'checkpoint', 'replay-parked', 'restart'],
    consumer: ['handle', 'ack', 'nack', 'restart'],
    operator: ['request-replay'],
  },
  'cache-set': {
    client: ['send-order'],
    service: ['update-order', 'cache-set', 'restart'],
    'service-2': ['update-order', 'cache-set', 'restart'],
    reader: ['lookup', 'load', 'fill', 'restart'],
  },
  'cache-delete': {
    client: ['send-order'],
    service: ['update-order', 'cache-delete', 'restart'],
    'service-2': ['update-order', 'cache-delete', 'restart'],
    reader: ['lookup', 'load', 'fill', 'restart'],
  },
};

const BY_PATTERN: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>> = new Map(
  Object.entries(FAULT_TARGETS).map(([id, targets]) => [id, new Map(Object.entries(targets))]),
);

/** The pattern's actors, each with its operations, in a Map so an id such as "constructor" finds nothing. */
export function faultTargetsOf(pattern: string): ReadonlyMap<string, readonly string[]> | undefined {
  return BY_PATTERN.get(pattern);
}
