/**
 * The lab's stable vocabulary. URLs, the command line, tests and exports use these ids, so an id
 * once published never changes meaning.
 */

// Pattern ids are the names of the folders under machines/patterns (one folder, one pattern).
import { PATTERN_IDS } from './pattern-ids.generated';
export { PATTERN_IDS };
export type PatternId = (typeof PATTERN_IDS)[number];

export const ANOMALY_IDS = [
  'lost-event',
  'phantom-event',
  'duplicate-delivery',
  'duplicate-effect',
  'stale-cache',
  'blocked',
  'out-of-order',
  'half-done',
] as const;
export type AnomalyId = (typeof ANOMALY_IDS)[number];

/**
 * Worst first. Losing or inventing an event leaves the systems disagreeing for good, and so does a
 * saga left half-done (stock held or money taken for an order nobody will finish); a blocked
 * participant stops everyone; a duplicate effect is a visible business error; out-of-order and
 * stale reads are wrong for a while; a duplicate delivery alone does no harm to an idempotent
 * consumer.
 */
export const ANOMALY_SEVERITY: readonly AnomalyId[] = [
  'lost-event',
  'phantom-event',
  'half-done',
  'blocked',
  'duplicate-effect',
  'out-of-order',
  'stale-cache',
  'duplicate-delivery',
];

/** The most severe of a set of anomalies, or `none`. */
export function worstOf(anomalies: Iterable<AnomalyId>): AnomalyId | 'none' {
  const present = new Set(anomalies);
  return ANOMALY_SEVERITY.find((a) => present.has(a)) ?? 'none';
}

/**
 * Fault kinds. Each strikes at a point of the run (see {@link FaultPoint}); which kinds can strike
 * at a point depends on what the step there does (a publish, a commit, any process step).
 */
export const FAULT_KINDS = [
  'crash',
  'broker-unavailable',
  'publish-timeout-stored',
  'publish-timeout-lost',
  'commit-unknown',
  'db-write-fails',
  'db-unavailable',
  'malformed-event',
  'cache-unavailable',
  'pause',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_DESCRIPTIONS: Record<FaultKind, { label: string; summary: string }> = {
  crash: {
    label: 'Process crash',
    summary: 'The process dies just before this step and restarts a moment later with an empty memory.',
  },
  'broker-unavailable': {
    label: 'Broker unavailable',
    summary: 'The broker (or event store) refuses the write: nothing is stored and the caller gets an error.',
  },
  'publish-timeout-stored': {
    label: 'Timeout after storing',
    summary: 'The log stores the message but the acknowledgement is lost: the caller sees a timeout.',
  },
  'publish-timeout-lost': {
    label: 'Timeout before storing',
    summary: 'The request never reaches the log: nothing is stored and the caller sees a timeout.',
  },
  'commit-unknown': {
    label: 'Commit outcome unknown',
    summary: 'The transaction commits, but the connection drops before the caller hears so: it sees an error.',
  },
  'db-write-fails': {
    label: 'Write violates a constraint',
    summary: 'The order breaks a CHECK constraint, so Postgres rejects the insert and rolls back.',
  },
  'db-unavailable': {
    label: 'Database briefly unavailable',
    summary: 'Postgres refuses the connection for a moment: nothing is written, and a later retry can succeed.',
  },
  'malformed-event': {
    label: 'Malformed event',
    summary: 'The event is stored with a body no consumer can parse: retrying it will never help.',
  },
  'cache-unavailable': {
    label: 'Cache call fails',
    summary: 'The cache refuses the call (pool exhausted, out of memory): nothing in the cache changes.',
  },
  pause: {
    label: 'Long pause',
    summary: 'The process freezes (a long GC pause, a slow network) just before this step, then carries on as if nothing happened.',
  },
};

/**
 * What a step must do for a kind to have something to strike, as the end of "it needs …": the
 * lab says so when an armed fault's point came but that step never reached where the kind acts.
 */
export const FAULT_NEEDS: Record<FaultKind, string> = {
  crash: 'a step its process can crash before',
  'broker-unavailable': 'a step that publishes a message or appends an event',
  'publish-timeout-stored': 'a step that stores a new message or event',
  'publish-timeout-lost': 'a step that publishes a message or appends an event',
  'commit-unknown': 'a step that commits a write',
  'db-write-fails': 'a step that writes an order',
  'db-unavailable': 'a step that talks to Postgres',
  'malformed-event': 'a step that stores a new event',
  'cache-unavailable': 'a step that calls the cache',
  pause: 'a step its process can be frozen before',
};

export const ANOMALY_DESCRIPTIONS: Record<AnomalyId, { label: string; summary: string }> = {
  'lost-event': {
    label: 'Lost event',
    summary: 'A change committed to the source of truth never reached downstream.',
  },
  'phantom-event': {
    label: 'Phantom event',
    summary: 'Downstream saw an event for something the source of truth does not have.',
  },
  'duplicate-delivery': {
    label: 'Duplicate delivery',
    summary: 'The same event reached the consumer more than once.',
  },
  'duplicate-effect': {
    label: 'Duplicate effect',
    summary: 'The consumer applied the same event more than once.',
  },
  'stale-cache': {
    label: 'Stale cache',
    summary: 'The cache serves a value the database no longer holds.',
  },
  blocked: {
    label: 'Blocked',
    summary: 'A participant holds locks, waiting for a decision that does not come.',
  },
  'out-of-order': {
    label: 'Out of order',
    summary: 'Events for one key were applied in another order than they happened.',
  },
  'half-done': {
    label: 'Half-done saga',
    summary: 'A saga stopped part-way: stock is held or money taken for an order that was neither confirmed nor undone.',
  },
};

export function isPatternId(value: string): value is PatternId {
  return (PATTERN_IDS as readonly string[]).includes(value);
}

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}
