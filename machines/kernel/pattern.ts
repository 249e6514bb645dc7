/**
 * How a pattern is put together: the process participants, each a statechart whose states name
 * the operation they perform, and the operations themselves, which do the real work (SQL on
 * Postgres, calls to the broker) and answer with the event that moves the statechart on.
 */
import type { AnyStateMachine, EventObject } from 'xstate';
import type { PatternInfo } from './pattern-info';
import type { Anomaly, ArmedFault, Scenario, StepRecord, TableSnapshot, TraceEntry } from './types';
import type { FaultKind } from './vocabulary';
import type { SqlRunner, TracedDatabase } from './traced-database';
import type { ComponentSet, Wake } from './component';
import type { OutcomeSources } from './outcome-sources';
import type { BrokerPort } from './ports/broker';
import type { CachePort } from './ports/cache';
import type { EventStorePort, StoreInternals } from './ports/event-store';

export type KernelEvent = EventObject & Record<string, unknown>;

/** Simulated delays, in milliseconds, that statechart states refer to by name. */
export interface Timing {
  relayPollMs: number;
  consumerPollMs: number;
  restartMs: number;
  /** How long a `pause` fault freezes a process. */
  pauseMs: number;
}

export const DEFAULT_TIMING: Timing = { relayPollMs: 500, consumerPollMs: 100, restartMs: 300, pauseMs: 2000 };

/**
 * What a statechart state may carry in `meta`: the operation the participant performs while in
 * it, and how long it waits after entering before doing so.
 */
export interface StateMeta {
  op?: string;
  /** Wait this long after entering the state before the operation runs. */
  delay?: keyof Timing;
  /** Run the operation no earlier than this virtual time (read from the context). */
  notBefore?: (context: never) => number;
}

export interface OperationContext<TContext> {
  readonly actor: string;
  readonly now: number;
  readonly context: TContext;
  readonly scenario: Scenario;
  /**
   * The fault of this kind armed at this point, if any (crash and pause the kernel handles
   * itself). Ask where the kind takes effect, only on the path where it does: asking is what
   * lists the kind at this step (see `TraceSink.armed`).
   */
  faultHere(kind: FaultKind): ArmedFault | undefined;
  readonly db: TracedDatabase;
  readonly broker: BrokerPort;
  readonly store: EventStorePort;
  /** Only for participants that run inside the event store (a subscription's server side). */
  readonly storeInternals: StoreInternals;
  readonly cache: CachePort;
  /** Postgres `timestamptz` text for the current virtual time. */
  timestamp(): string;
  /** Readable ids, numbered per prefix within the run: `evt-1`, `evt-2`… */
  nextId(prefix: string): string;
  emit(entry: Omit<TraceEntry, 'seq' | 'step' | 't'>): void;
  /**
   * Delivers an event to another process participant; false (and dropped) if it is down. A
   * refused delivery shows as the target refusing the connection, unless `quiet`: for what the
   * sender never hears back about (a notification nobody listens to), which the caller traces.
   */
  send(to: string, event: KernelEvent, options?: { quiet?: boolean }): boolean;
  /** Records that the armed fault took effect here. */
  strike(): void;
}

export interface OperationResult {
  event: KernelEvent;
  /** The narration of the step, present tense, under 15 words. Free text: nothing parses it. */
  caption: string;
  /**
   * The orders the step concerned, where running it found out more than `about` knew before
   * (a poll that read rows, a fetch that got messages). Omitted: `about` of the context.
   */
  orders?: readonly number[];
}

export interface Operation<TContext = never> {
  /** Fault kinds other than `crash` that can strike this operation. */
  faults: readonly FaultKind[];
  /** Whether the participant can be crashed just before this operation. */
  crashable: boolean;
  latencyMs: number;
  /** What the participant is about to do, as a phrase: "publishing OrderPlaced for order 1". */
  intent(context: TContext): string;
  /**
   * The orders the operation concerns, known from the context before it runs: what a crash or a
   * pause at this point interrupts. The checker ties a fault to an anomaly's order through this.
   */
  about?(context: TContext): readonly number[];
  run(ctx: OperationContext<TContext>): Promise<OperationResult>;
}

export interface ProcessSpec {
  id: string;
  machine: AnyStateMachine;
  /** Input for the statechart's initial context, if it takes any. */
  input?: unknown;
  // Operations are typed per machine in their own files; the kernel only passes contexts through.
  operations: Record<string, Operation<any>>;
  /**
   * The participant whose OS process this one runs inside (an in-process event listener inside
   * its service): a crash of either takes the other down with it.
   */
  inProcessWith?: string;
}

/**
 * What a pattern's hooks (outcome, check, inspect) may read: the database, the components the
 * pattern built for this run, as the pattern's own types, and every process's statechart context.
 */
export type InspectionSources<W extends ComponentSet = ComponentSet> = W & {
  runner: SqlRunner;
  /** Each process participant's statechart context, by participant id. */
  contexts: Record<string, unknown>;
  now: number;
};

/**
 * A pattern: its info, the components it uses, its processes, its schema, and where the checker
 * finds the truth and downstream. `W` is the set of components it builds for each run.
 */
export interface PatternDefinition<W extends ComponentSet = ComponentSet> {
  info: PatternInfo;
  /**
   * Builds the passive participants this pattern uses, afresh for every run (only those: a
   * passive participant of the catalogue whose component the variant does not build is not shown).
   */
  components(wake: Wake, variant: string): W;
  /** Where the checker finds the source of truth and what downstream received and applied. */
  outcome(sources: InspectionSources<W>): OutcomeSources;
  /**
   * Checks of the pattern's own after the generic ones, judged from what the tables and the
   * store hold (a read model against the log it was projected from).
   */
  check?(sources: InspectionSources<W> & { steps: StepRecord[] }): Promise<Anomaly[]>;
  /** Extra live views shown beside the tables after every step (see `WorldSnapshot.inspections`). */
  inspect?(sources: InspectionSources<W>, variant: string): Promise<TableSnapshot[]>;
  /** Statements that create this pattern's schemas and tables from nothing; the views show its tables. */
  schema(variant: string): string[];
  /** Tables of the schema that are the lab's own bookkeeping: neither shown nor emptied between runs. */
  hiddenTables?: string[];
  /** The client that places the scenario's orders, or follows the story's script of requests. */
  client(scenario: Scenario): ProcessSpec;
  /** Every other process participant of the run. */
  processes(scenario: Scenario): ProcessSpec[];
  timing?: Partial<Timing>;
  /**
   * Runs after the tables are reset and before the first step, outside the trace: the set-up a
   * lab needs but no participant performs (e.g. starting each run at a fresh WAL segment).
   */
  prepareRun?(runner: SqlRunner, variant: string): Promise<void>;
}

/** Keeps a pattern's own component types inside its definition while the registry sees them all alike. */
export function definePattern<W extends ComponentSet>(definition: PatternDefinition<W>): PatternDefinition {
  return definition as unknown as PatternDefinition;
}
