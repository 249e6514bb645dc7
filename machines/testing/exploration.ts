/**
 * One exploration of a pattern per test file, shared by every test in it that needs one.
 * Exploring (every single fault at every point, idempotency off and on, on each order set) is the
 * slow part of the suite, so a pattern's test file explores it once, before its tests, and keeps
 * what the claims need from each run's steps (states visited, captions too long) as it goes,
 * rather than every run's full result.
 */
import { beforeAll } from 'vitest';
import type { LabDatabase } from '../actors/postgres';
import { explorePattern, type ExploredPattern, type ExploredRun } from '../kernel/explore';
import type { PatternDefinition } from '../kernel/pattern';
import { formatFault } from '../kernel/scenario';
import type { RunResult } from '../kernel/types';
import type { AnomalyId } from '../kernel/vocabulary';
import { recordedStatePaths } from './statechart-states';

/** Captions are narration for a sequence diagram: fewer than this many words. */
export const CAPTION_WORD_LIMIT = 15;

/** Generous: exploring a large pattern takes tens of seconds alone, minutes on a busy machine. */
const EXPLORATION_TIMEOUT_MS = 600_000;

export function wordCount(caption: string): number {
  return caption.trim().split(/\s+/).length;
}

/** Which run a finding comes from, readably: `registry orders 0,40 crash@listener.send:1 idempotent`. */
export function describeRun(run: ExploredRun): string {
  const faults = run.faults.map(formatFault).join(' + ') || 'no fault';
  return `${run.variant} orders ${run.orders.join(',')} ${faults}${run.idempotentConsumer ? ' idempotent' : ''}`;
}

export function visitedKey(variant: string, idempotentConsumer: boolean, actor: string): string {
  return `${variant} ${idempotentConsumer ? 'idempotent' : 'not idempotent'} ${actor}`;
}

/** What the claims read from every step of every run, gathered while exploring. */
/**
 * The single faults (as `kind@point`, sorted) under which the variant's runs show `anomaly`, with
 * the idempotency switch off: what a variant that is meant to fix something is compared by.
 */
export function faultsShowing(explored: ExploredPattern, variant: string, anomaly: AnomalyId): string[] {
  return explored.runs
    .filter((r) => r.variant === variant && !r.idempotentConsumer && r.anomalies.includes(anomaly))
    .map((r) => r.faults.map(formatFault).join())
    .sort();
}

export interface StepObservations {
  /** How many steps the exploration's runs took in all. */
  steps: number;
  /** The states each process was in after some step, by {@link visitedKey}. */
  visited: Map<string, Set<string>>;
  /** Each caption of {@link CAPTION_WORD_LIMIT} words or more, with the first run and point that said it. */
  longCaptions: Map<string, string>;
}

export interface PatternExploration {
  readonly pattern: PatternDefinition;
  readonly explored: ExploredPattern;
  readonly observed: StepObservations;
}

function observe(observations: StepObservations, result: RunResult, run: ExploredRun): void {
  for (const step of result.steps) {
    observations.steps++;
    for (const [actor, state] of Object.entries(step.states)) {
      const key = visitedKey(run.variant, run.idempotentConsumer, actor);
      const visited = observations.visited.get(key) ?? new Set<string>();
      for (const path of recordedStatePaths(state)) visited.add(path);
      observations.visited.set(key, visited);
    }
    if (wordCount(step.caption) >= CAPTION_WORD_LIMIT && !observations.longCaptions.has(step.caption)) {
      observations.longCaptions.set(step.caption, `${describeRun(run)} at ${step.point}`);
    }
  }
}

// Module state is per test file (Vitest isolates files), so this memoises within one file only.
const explorations = new Map<PatternDefinition, Promise<{ explored: ExploredPattern; observed: StepObservations }>>();

function exploredOnce(db: LabDatabase, pattern: PatternDefinition) {
  let exploration = explorations.get(pattern);
  if (!exploration) {
    const observed: StepObservations = { steps: 0, visited: new Map(), longCaptions: new Map() };
    exploration = explorePattern(db, pattern, { onRun: (result, run) => observe(observed, result, run) }).then((explored) => ({ explored, observed }));
    explorations.set(pattern, exploration);
  }
  return exploration;
}

/**
 * Explores the pattern before the file's tests (after its Postgres has started: call this after
 * `useLabPostgres`), and hands every test the same exploration.
 */
export function useExploration(postgres: { readonly db: LabDatabase }, pattern: PatternDefinition): PatternExploration {
  let done: { explored: ExploredPattern; observed: StepObservations } | undefined;
  beforeAll(async () => {
    done = await exploredOnce(postgres.db, pattern);
  }, EXPLORATION_TIMEOUT_MS);
  const ready = () => {
    if (!done) throw new Error(`${pattern.info.id} is not explored yet: read the exploration inside a test`);
    return done;
  };
  return {
    pattern,
    get explored() {
      return ready().explored;
    },
    get observed() {
      return ready().observed;
    },
  };
}
