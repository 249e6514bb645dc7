/**
 * What the pattern tests' claims read from every step of every explored run (states visited,
 * captions too long), gathered while exploring so the runs' full results need not be kept. Plain
 * functions with no test framework in them: the build's comparison gathers the same observations
 * as it explores (see exploration-record.ts), and the tests reuse them.
 */
import type { ExploredRun } from '../kernel/explore';
import { formatFault } from '../kernel/scenario';
import type { RunResult } from '../kernel/types';
import { recordedStatePaths } from './statechart-states';

/** Captions are narration for a sequence diagram: fewer than this many words. */
export const CAPTION_WORD_LIMIT = 15;

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

export interface StepObservations {
  /** How many steps the exploration's runs took in all. */
  steps: number;
  /** The states each process was in after some step, by {@link visitedKey}. */
  visited: Map<string, Set<string>>;
  /** Each caption of {@link CAPTION_WORD_LIMIT} words or more, with the first run and point that said it. */
  longCaptions: Map<string, string>;
}

export function noObservations(): StepObservations {
  return { steps: 0, visited: new Map(), longCaptions: new Map() };
}

export function observeRun(observations: StepObservations, result: RunResult, run: ExploredRun): void {
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
