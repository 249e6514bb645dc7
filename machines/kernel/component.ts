/**
 * The contracts between the kernel and the parts a pattern is built from. The kernel runs
 * processes (statecharts) step by step; everything passive they call during a step (a broker, an
 * event store, a cache) is a component the pattern declares and builds for each run. The kernel
 * knows these contracts only, never the classes in machines/actors/ that fulfil them.
 */
import type { KernelEvent } from './pattern';
import type { BrokerPort } from './ports/broker';
import type { CachePort } from './ports/cache';
import type { EventStorePort, StoreInternals } from './ports/event-store';
import type { SqlRunner, TraceSink } from './traced-database';
import type { TableSnapshot, TopicSnapshot } from './types';

/**
 * A passive participant: hands an operation a port bound to its step (calls show in the trace
 * through the sink, faults strike through its `armed` hook), and is built afresh for every run,
 * which is its reset.
 */
export interface Component<TPort> {
  port(sink: TraceSink, now: number, step: number): TPort;
}

export interface BrokerComponent extends Component<BrokerPort> {
  /** The topics as the live views show them (messages, committed offsets). */
  topicsView(): TopicSnapshot[];
}

export interface EventStoreComponent extends Component<EventStorePort> {
  /** For participants that run inside the store (a persistent subscription's server side). */
  internals(sink: TraceSink, now: number): StoreInternals;
}

export type CacheComponent = Component<CachePort>;

/** The components a pattern uses; those it leaves out are not built, and calling them is an error. */
export interface ComponentSet {
  broker?: BrokerComponent;
  eventStore?: EventStoreComponent;
  cache?: CacheComponent;
}

/** Whether a run's components include the passive participant of that kind (Postgres always). */
export function buildsParticipant(components: ComponentSet, kind: string): boolean {
  if (kind === 'broker') return components.broker !== undefined;
  if (kind === 'cache') return components.cache !== undefined;
  if (kind === 'event-store') return components.eventStore !== undefined;
  return true;
}

/** How a component wakes processes waiting on it (a consumer's long poll when a message lands). */
export type Wake = (event: KernelEvent) => void;

/** The database the lab runs on: real Postgres (PGlite, or a server), reset between runs. */
export interface LabStore {
  readonly runner: SqlRunner;
  /** Empties every table of the layout, creating the layout first when it is not the current one. */
  reset(schema: string[], tables: string[]): Promise<void>;
  /** A whole table, for the live views. */
  snapshotTable(table: string): Promise<TableSnapshot>;
}

/** Stands in for a component the pattern did not declare: using it is a bug in the pattern, said plainly. */
export function undeclared<T extends object>(name: string, pattern: string): T {
  return new Proxy({} as T, {
    get(_, property) {
      throw new Error(`pattern ${pattern} uses the ${name} (${String(property)}) but does not declare it in components()`);
    },
  });
}
