/**
 * The comparison of every pattern and variant, as plain JSON: what `next build` computes for the
 * /compare page, what `lab compare --json` prints and what the page can recompute in its worker.
 * Every number here comes from running the kernel; nothing is written in by hand.
 */
import type { AnomalyId, FaultKind, PatternId } from '../kernel/vocabulary';
import type { HousekeepingMeasures, PollMeasures, PostgresFacts, ScaleMeasures, SlotMeasures } from './scale/types';

/** Counts with the consumer's idempotency switch off and on. */
export interface OffOn {
  off: number;
  on: number;
}

/** The worst anomaly a fault kind caused in a row, with idempotency off and on. */
export interface WorstOffOn {
  off: AnomalyId | 'none';
  on: AnomalyId | 'none';
  /** How many single-fault runs of that kind (per setting). */
  runs: number;
}

/** A run a figure came from: enough to open it on the lab page. */
export interface RunLink {
  variant: string;
  orders: number[];
  /** Formatted faults (`crash@relay.mark:1`); empty for a fault-free run. */
  faults: string[];
  idempotentConsumer: boolean;
  /** The step the lab page should open at (where the fault struck); null for the first step. */
  step: number | null;
}

/** One anomaly as a run showed it: its subject and the checker's one-line why. */
export interface ShownAnomaly {
  id: AnomalyId;
  subject: string;
  why: string;
}

/** One single-fault run of a row, as a matrix cell lists it. */
export interface ExploredCase {
  fault: string;
  kind: FaultKind;
  /** Who the fault strikes (the actor of its point). */
  actor: string;
  orders: number[];
  /** The step where the fault struck (it always strikes: exploration arms it where it can). */
  struckStep: number | null;
  /** The caption of that step, so a list reads without opening the run. */
  struckCaption: string;
  off: CaseVerdict;
  on: CaseVerdict;
}

export interface CaseVerdict {
  /** One per anomaly id the run showed, the first of each. */
  anomalies: ShownAnomaly[];
  settled: boolean;
}

/** Commit-to-effect latency over the orders of a measured run, in simulated milliseconds. */
export interface LatencyFigure {
  median: number;
  max: number;
  /** One value per order (or write) that reached downstream. */
  samples: number;
}

/** A table whose rows pile up as orders come in, and what clears it. */
export interface GrowingTable {
  table: string;
  /** Rows left after the short measured run and after the long one. */
  rowsShort: number;
  rowsLong: number;
  /** What housekeeping clears it (from content/compare/housekeeping.json). */
  housekeeping: string;
}

/** Fault-free runs with several orders, simulated. */
export interface RowMeasures {
  simulated: true;
  /** The run the latency and cost figures come from (idempotency off). */
  run: RunLink;
  /** The same orders with the idempotent consumer on, where the pattern has a consumer. */
  runIdempotent: RunLink | null;
  /** What "effect" means for this row: a shipment applied downstream, the cache caught up, or a saga's order confirmed. */
  effect: 'shipment' | 'cache' | 'confirmation';
  commitToEffectMs: LatencyFigure | null;
  /** Statements and round trips to Postgres per committed order (or write), over the whole run. */
  statementsPerOrder: OffOn;
  roundTripsPerOrder: OffOn;
  growingTables: GrowingTable[];
  /** Participants of the run, and those that are extra infrastructure to operate. */
  participants: number;
  extraInfrastructure: string[];
  /** The order is in the service's source of truth by the time the client hears back. */
  readYourWrites: boolean;
  /** Real Postgres figures of what this row must operate at scale (wall-clock, where measured). */
  atScale?: RowAtScale;
}

/** The part of the scale measurements that concerns a row: the outbox's poll and housekeeping, or a slot's retained WAL. */
export interface RowAtScale {
  where: ScaleMeasures['where'];
  measuredAt: string;
  postgres: PostgresFacts;
  poll?: PollMeasures;
  housekeeping?: HousekeepingMeasures;
  slot?: SlotMeasures;
}

/** What a row's single-fault runs show, derived from its cases (see matrix.ts). */
export interface RowTraits {
  /** Duplicate effects happen with the switch off and stop with it on. */
  needsIdempotentConsumer: boolean;
  /** Could this row's runs show out-of-order at all (a consumer that logs what it applied)? */
  orderJudged: boolean;
  /** No run, either setting, delivered one key's events out of order. */
  orderPerKey: boolean;
  /** Some run left a participant blocked. */
  blocks: boolean;
  /** Some run lost an event or invented one. */
  losesOrInvents: boolean;
}

export interface CompareRow {
  pattern: PatternId;
  variant: string;
  title: string;
  variantLabel: string;
  hasConsumer: boolean;
  /** Single-fault runs, each run once with idempotency off and once on. */
  runs: number;
  /** Of those, how many show each anomaly. Every anomaly id is present. */
  anomalies: Record<AnomalyId, OffOn>;
  /** Runs that reached their step limit: their anomalies are no verdict. */
  unsettled: OffOn;
  /** Worst anomaly per fault kind that can strike in this row. */
  byFaultKind: Partial<Record<FaultKind, WorstOffOn>>;
  worst: { off: AnomalyId | 'none'; on: AnomalyId | 'none' };
  traits: RowTraits;
  measures: RowMeasures;
}

/** The run that refutes a claim: open it in the lab at `step`. */
export type RefutingRun = RunLink & { pattern: PatternId; anomaly: AnomalyId | null; detail: string };

export type ClaimVerdict =
  /** Judged over explored runs (or the measured fault-free runs): refuted by one of them. */
  | { basis: 'runs'; holds: true; checkedRuns: number }
  | { basis: 'runs'; holds: false; checkedRuns: number; refutedBy: RefutingRun }
  /** Judged from the figures measured on a real Postgres (see `scale` of CompareData). */
  | { basis: 'measure'; holds: boolean; where: ScaleMeasures['where']; detail: string };

export interface JudgedClaim {
  id: string;
  /** Which article makes it, in the lab's words. */
  source: string;
  claim: string;
  note?: string;
  pattern: PatternId;
  variant: string;
  /** Which runs it is about, in words. */
  scope: string;
  verdict: ClaimVerdict;
}

export interface CompareData {
  /** Bumped when the shape changes, so a stale file is refused rather than misread. */
  format: 1;
  seed: number;
  /** The order sets the exploration ran. */
  orderSets: number[][];
  rows: CompareRow[];
  claims: JudgedClaim[];
  /** Operations at scale, measured on a real Postgres; null when the comparison left them out. */
  scale: ScaleMeasures | null;
}

/** The cases behind one pattern's rows: what a matrix cell lists when opened. */
export interface PatternCases {
  pattern: PatternId;
  variants: Record<string, ExploredCase[]>;
}
