/**
 * Exploring a pattern is the slow part of both the build and the tests: the build's comparison
 * explores every pattern (seed 1, every single fault, idempotency off and on), and each pattern's
 * test file needs exactly that exploration again. So whoever explores first leaves a record in
 * `.cache/explorations/<pattern>.json`: the runs, and what the tests observe of their steps. The
 * record carries a hash of everything an exploration depends on (the simulation's sources and
 * the lockfile); a record with any other hash is ignored and the tests explore afresh.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExploredPattern } from '../kernel/explore';
import type { PatternId } from '../kernel/vocabulary';
import { sourcesHash, sourcesUnder } from '../runtime/sources-hash';
import type { StepObservations } from './step-observations';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where records are kept; a test of the records themselves points this elsewhere. */
function recordsDir(): string {
  return process.env.LAB_EXPLORATION_RECORDS ?? join(ROOT, '.cache', 'explorations');
}
/** Bumped when the record's shape changes, so an old record is never read as a new one. */
const FORMAT = 1;

interface RecordFile {
  format: number;
  inputs: string;
  seed: number;
  explored: ExploredPattern;
  observed: { steps: number; visited: [string, string[]][]; longCaptions: [string, string][] };
}

export interface ExplorationRecord {
  explored: ExploredPattern;
  observed: StepObservations;
}

let inputs: string | undefined;

/**
 * Everything an exploration's runs and observations depend on (tests excluded): the simulation
 * (kernel, actors, patterns, the Postgres it starts), what observes its steps, and the lockfile
 * (PGlite, XState). Nothing in these imports the browser, embed, lesson or comparison code.
 */
const SIMULATION_FOLDERS = ['kernel', 'actors', 'patterns', 'runtime'];
const OBSERVERS = ['exploration-record.ts', 'step-observations.ts', 'statechart-states.ts'];

export function explorationInputsHash(): string {
  inputs ??= sourcesHash(ROOT, [
    ...SIMULATION_FOLDERS.flatMap((folder) => sourcesUnder(join(ROOT, 'machines', folder))),
    ...OBSERVERS.map((file) => join(ROOT, 'machines', 'testing', file)),
    join(ROOT, 'package-lock.json'),
  ]);
  return inputs;
}

function recordPath(pattern: PatternId): string {
  return join(recordsDir(), `${pattern}.json`);
}

/** The record of this pattern's exploration from `seed`, if one was made from today's inputs. */
export function readExplorationRecord(pattern: PatternId, seed: number): ExplorationRecord | null {
  let file: RecordFile;
  try {
    file = JSON.parse(readFileSync(recordPath(pattern), 'utf8')) as RecordFile;
  } catch {
    return null;
  }
  if (file.format !== FORMAT || file.inputs !== explorationInputsHash() || file.seed !== seed || file.explored.pattern !== pattern) return null;
  return {
    explored: file.explored,
    observed: {
      steps: file.observed.steps,
      visited: new Map(file.observed.visited.map(([key, paths]) => [key, new Set(paths)])),
      longCaptions: new Map(file.observed.longCaptions),
    },
  };
}

/** Leaves the record for the next reader; written whole then renamed, so no reader sees half of it. */
export function writeExplorationRecord(seed: number, record: ExplorationRecord): void {
  const file: RecordFile = {
    format: FORMAT,
    inputs: explorationInputsHash(),
    seed,
    explored: record.explored,
    observed: {
      steps: record.observed.steps,
      visited: [...record.observed.visited].map(([key, paths]) => [key, [...paths]]),
      longCaptions: [...record.observed.longCaptions],
    },
  };
  mkdirSync(recordsDir(), { recursive: true });
  const path = recordPath(record.explored.pattern);
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(file));
  renameSync(partial, path);
}
