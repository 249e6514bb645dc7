/**
 * The shapes every view, test and export shares. A run is a list of steps; each step adds trace
 * entries (the arrows of the sequence diagram) and, when asked, a snapshot of what the tables and
 * topics hold right after it. All of it is plain JSON, so the same run can cross a Web Worker
 * boundary, be printed by the command line, or be compared byte for byte in a test.
 */
import type { AnomalyId, FaultKind, PatternId } from './vocabulary';

/** Where a fault strikes: `<actor>.<operation>:<occurrence>`, e.g. `relay.mark:1`. */
export type FaultPoint = string;

export interface ArmedFault {
  kind: FaultKind;
  at: FaultPoint;
}

/** Everything needed to reproduce a run exactly. */
export interface Scenario {
  pattern: PatternId;
  variant: string;
  seed: number;
  faults: ArmedFault[];
  idempotentConsumer: boolean;
  /** Virtual arrival time (ms) of each order the client places. */
  orders: number[];
}

export type ParticipantKind =
  | 'client'
  | 'service'
  | 'database'
  | 'relay'
  | 'broker'
  | 'consumer'
  | 'coordinator'
  | 'connector'
  | 'listener'
  | 'cache'
  | 'event-store';

export interface Participant {
  id: string;
  label: string;
  kind: ParticipantKind;
  /** Process participants run a statechart and can crash; the database and broker are passive. */
  process: boolean;
  /**
   * Where the flow view places it, in a grid of two or three columns. Without it the view places
   * it by kind; patterns with two participants of a kind, or unusual ones, say where.
   */
  at?: { col: number; row: number };
}

export type TraceKind =
  | 'request'
  | 'sql'
  | 'publish'
  | 'fetch'
  | 'offset-commit'
  | 'reply'
  | 'error'
  | 'crash'
  | 'restart'
  /** An append to the event store. */
  | 'append'
  /** A read from the event store. */
  | 'read'
  /** A call on the cache (GET, SET, DEL). */
  | 'cache'
  /** A process freezing for a while (a `pause` fault). */
  | 'pause'
  /** A notification Postgres hands to a listening session when a transaction commits (LISTEN / NOTIFY). */
  | 'notify';

/** One arrow of the sequence diagram (or one mark on a lifeline when `from === to`). */
export interface TraceEntry {
  /** Position in the trace, 0-based. */
  seq: number;
  /** The step (1-based) that produced this entry. */
  step: number;
  /** Virtual time in simulated milliseconds. */
  t: number;
  from: string;
  to: string;
  kind: TraceKind;
  label: string;
  /** The statements sent to Postgres, in order, as executed. */
  sql?: string[];
  ok: boolean;
  /** Set when an armed fault struck at this entry. */
  fault?: ArmedFault;
}

/**
 * What a step concerned and what happened in it, as data. The checker reads these, never the
 * caption, so captions can be reworded freely without changing an outcome.
 */
export interface StepFacts {
  /** The orders (aggregate ids) the step acted on, ascending; empty when it concerned none. */
  orders: number[];
  /** Where Postgres refused the step a row lock another transaction held (SQLSTATE 55P03): the `seq` of each error reply. */
  lockRefusals?: number[];
}

/** A step: one operation of one process participant. */
export interface StepRecord {
  index: number;
  t: number;
  actor: string;
  operation: string;
  point: FaultPoint;
  /** Fault kinds that could be armed at this point. */
  faultKinds: FaultKind[];
  caption: string;
  facts: StepFacts;
  /** The fault that struck at this step, if any. */
  struck?: ArmedFault;
  /** Trace entries this step produced (their `seq`). */
  entries: number[];
  /** State of each process participant's statechart after the step. */
  states: Record<string, string>;
}

export type TableRow = Record<string, string | number | boolean | null>;

export interface TableSnapshot {
  name: string;
  columns: string[];
  rows: TableRow[];
  /** One line on what the reader is looking at, for views that are not plain tables. */
  note?: string;
}

export interface TopicMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  eventId: string;
  eventType: string;
  orderId: number;
  /** Row-change events only: create, update or delete. */
  op?: 'c' | 'u' | 'd';
  /** The event's body (JSON text), when it has one worth showing. */
  payload?: string;
  /** Record headers, when the producer set any. */
  headers?: Record<string, string>;
  /** How many times a consumer fetched this message. */
  deliveries: number;
  /** Written inside a transaction: which, and where it stands now. */
  transaction?: { id: string; state: 'open' | 'committed' | 'aborted' };
  /** A transaction marker (control record) rather than an event. */
  control?: 'commit' | 'abort';
}

export interface TopicSnapshot {
  topic: string;
  partitions: number;
  messages: TopicMessage[];
  /** Committed offset of the consumer group per partition (next offset to read). */
  committed: Record<number, number>;
}

export interface WorldSnapshot {
  step: number;
  t: number;
  tables: TableSnapshot[];
  topics: TopicSnapshot[];
  states: Record<string, string>;
  /** Participants that are down right now (crashed, unavailable). */
  down: string[];
  /**
   * Views into the machinery a pattern wants shown beside its tables: WAL records, replication
   * slots, prepared transactions and locks, a relay's memory. Real query results where they come
   * from Postgres.
   */
  inspections?: TableSnapshot[];
}

export interface Evidence {
  /** e.g. `order 2`, `orders/p1@3`, `shipment 4` */
  ref: string;
  detail: string;
}

export interface Anomaly {
  id: AnomalyId;
  /** Which order (or key) it concerns. */
  subject: string;
  evidence: Evidence[];
  why: string;
}

/** Why a run did not settle: what was still going on when it reached its step limit. */
export interface Unsettled {
  /** The step limit it reached. */
  limit: number;
  /** The tail of the run is one short cycle of operations repeating, with nothing else happening. */
  livelock: boolean;
  /** Participants still stepping at the end. */
  busy: string[];
  /** The repeating operations (`actor.operation`), when `livelock`. */
  cycle?: string[];
  /** The step from which the cycle repeats, when `livelock`. */
  sinceStep?: number;
  why: string;
}

export interface Outcome {
  anomalies: Anomaly[];
  /** True when the run settled and no anomaly was found: an unsettled run gets no clean verdict. */
  consistent: boolean;
  /** False when the run stopped at its step limit before everything settled. */
  settled: boolean;
  /** Present when `settled` is false. */
  unsettled?: Unsettled;
  summary: string;
}

export interface RunResult {
  scenario: Scenario;
  participants: Participant[];
  steps: StepRecord[];
  trace: TraceEntry[];
  /** Present when the run was asked to capture snapshots: index 0 is before step 1. */
  snapshots?: WorldSnapshot[];
  outcome: Outcome;
}

/** Where each kind of fault can strike in a run, as found by a fault-free run. */
export interface FaultSite {
  point: FaultPoint;
  kinds: FaultKind[];
  caption: string;
}
