/**
 * One exploration of a pattern per test file, shared by every test in it that needs one.
 * Exploring (every single fault at every point, idempotency off and on, on each order set) is the
 * slow part of the suite, so a pattern's test file explores it once, before its tests, and keeps
 * what the claims need from each run's steps (states visited, captions too long) as it goes,
 * rather than every run's full result. When the build's comparison has already explored the
 * pattern from the same sources, its record is read instead (exploration-record.ts).
 */
import { beforeAll } from 'vitest';
import type { LabDatabase } from '../actors/postgres';
import { explorePattern, type ExploredPattern } from '../kernel/explore';
import type { PatternDefinition } from '../kernel/pattern';
import { formatFault } from '../kernel/scenario';
import type { AnomalyId } from '../kernel/vocabulary';
import { readExplorationRecord, writeExplorationRecord, type ExplorationRecord } from './exploration-record';
import { noObservations, observeRun, type StepObservations } from './step-observations';

export { CAPTION_WORD_LIMIT, describeRun, visitedKey, wordCount, type StepObservations } from './step-observations';

/** Generous: exploring a large pattern takes tens of seconds alone, minutes on a busy machine. */
const EXPLORATION_TIMEOUT_MS = 600_000;
/** The seed every exploration here and the build's comparison use. */
const SEED = 1;

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

export interface PatternExploration {
  readonly pattern: PatternDefinition;
  readonly explored: ExploredPattern;
  readonly observed: StepObservations;
}

// Module state is per test file (Vitest isolates files), so this memoises within one file only.
const explorations = new Map<PatternDefinition, Promise<ExplorationRecord>>();

async function explore(db: LabDatabase, pattern: PatternDefinition): Promise<ExplorationRecord> {
  const recorded = readExplorationRecord(pattern.info.id, SEED);
  if (recorded) return recorded;
  const observed = noObservations();
  const explored = await explorePattern(db, pattern, { seed: SEED, onRun: (result, run) => observeRun(observed, result, run) });
  writeExplorationRecord(SEED, { explored, observed });
  return { explored, observed };
}

function exploredOnce(db: LabDatabase, pattern: PatternDefinition): Promise<ExplorationRecord> {
  let exploration = explorations.get(pattern);
  if (!exploration) {
    exploration = explore(db, pattern);
    explorations.set(pattern, exploration);
  }
  return exploration;
}

/**
 * Explores the pattern before the file's tests (after its Postgres has started: call this after
 * `useLabPostgres`), and hands every test the same exploration.
 */
export function useExploration(postgres: { readonly db: LabDatabase }, pattern: PatternDefinition): PatternExploration {
  let done: ExplorationRecord | undefined;
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
