/**
 * Exploring or comparing every pattern takes minutes on one CPU; the patterns are independent, so
 * a pool of child processes (one PGlite each) takes them from a queue, the slowest first, and the
 * parent hands the results back in the order asked. Used by the build, `lab compare` and
 * `lab explore all`. Each run resets its own tables, so which worker ran a pattern changes nothing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ComparedPattern } from '../../machines/compare/build';
import type { ExploredPattern } from '../../machines/kernel/explore';
import type { PatternId } from '../../machines/kernel/vocabulary';
import { ensureBootImage } from '../../machines/runtime/boot-image-node';

/** What a worker can do with one pattern, and what it sends back. */
export interface PoolJobs {
  compare: ComparedPattern;
  explore: ExploredPattern;
}
export type PoolJob = keyof PoolJobs;

export type ToWorker = { type: 'run'; job: PoolJob; pattern: PatternId; seed: number } | { type: 'stop' };
export type ToParent =
  | { type: 'ready' }
  | { type: 'progress'; pattern: PatternId; done: number; total: number }
  | { type: 'done'; pattern: PatternId; result: PoolJobs[PoolJob]; ms: number }
  | { type: 'failed'; pattern: PatternId; message: string };

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
// Resolved from here, not from the working directory: the package bin may run anywhere.
const TSX = import.meta.resolve('tsx');

/** Roughly how long each pattern takes, so the longest start first and the pool ends together. */
const HEAVY_FIRST: readonly string[] = ['saga', 'outbox-cdc', 'cdc-table', 'outbox-polling', 'persistent-subscription', 'event-sourcing', 'two-phase-commit', 'after-commit-listener'];

export interface PoolProgress {
  onProgress?: (pattern: PatternId, done: number, total: number) => void;
  onDone?: (pattern: PatternId, ms: number) => void;
}

export async function runInPool<J extends PoolJob>(
  job: J,
  patterns: readonly PatternId[],
  seedOf: (pattern: PatternId) => number,
  progress: PoolProgress = {},
  workers = availableParallelism(),
): Promise<PoolJobs[J][]> {
  const rank = (id: string) => (HEAVY_FIRST.includes(id) ? HEAVY_FIRST.indexOf(id) : HEAVY_FIRST.length);
  const queue = [...patterns].sort((a, b) => rank(a) - rank(b));
  const results = new Map<PatternId, PoolJobs[J]>();
  const children: ChildProcess[] = [];
  const count = Math.max(1, Math.min(workers, queue.length));
  // Made once here, not by every worker at once when no build has made it yet.
  await ensureBootImage();

  try {
    await Promise.all(
      Array.from({ length: count }, () => {
        const child = fork(WORKER, [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        children.push(child);
        return new Promise<void>((resolve, reject) => {
          const next = () => {
            const pattern = queue.shift();
            if (pattern === undefined) {
              child.send({ type: 'stop' } satisfies ToWorker);
              resolve();
            } else child.send({ type: 'run', job, pattern, seed: seedOf(pattern) } satisfies ToWorker);
          };
          child.on('message', (message: ToParent) => {
            if (message.type === 'ready') next();
            else if (message.type === 'progress') progress.onProgress?.(message.pattern, message.done, message.total);
            else if (message.type === 'done') {
              results.set(message.pattern, message.result as PoolJobs[J]);
              progress.onDone?.(message.pattern, message.ms);
              next();
            } else reject(new Error(`${job === 'compare' ? 'comparing' : 'exploring'} ${message.pattern} failed: ${message.message}`));
          });
          child.on('error', reject);
          child.on('exit', (code) => {
            if (code !== 0 && code !== null) reject(new Error(`a pool worker exited with code ${code}`));
          });
        });
      }),
    );
  } catch (error) {
    // One failure ends the whole job: the other workers would only burn CPU for nothing.
    for (const child of children) if (child.exitCode === null) child.kill();
    throw error;
  }
  return patterns.map((id) => results.get(id)!);
}

export function compareInPool(patterns: readonly PatternId[], seed: number, progress: PoolProgress = {}, workers?: number): Promise<ComparedPattern[]> {
  return runInPool('compare', patterns, () => seed, progress, workers);
}
