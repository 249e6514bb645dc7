/**
 * One worker of the pattern pool (see pattern-pool.ts): boots its own PGlite and explores or
 * compares the patterns the parent hands it, one at a time, so two CPUs take two patterns at once.
 */
import { comparePattern } from '../../machines/compare/build';
import { explorePattern } from '../../machines/kernel/explore';
import { getPattern } from '../../machines/patterns/index';
import { startLabPostgresInNode } from '../../machines/runtime/boot-image-node';
import { loadHousekeeping } from '../compare/content';
import { writeExplorationRecord } from '../../machines/testing/exploration-record';
import { noObservations, observeRun } from '../../machines/testing/step-observations';
import type { ExploredRun } from '../../machines/kernel/explore';
import type { ToParent, ToWorker } from './pattern-pool';

const send = (message: ToParent) => process.send!(message);
const { pg, db } = await startLabPostgresInNode();

process.on('message', async (message: ToWorker) => {
  if (message.type === 'stop') {
    await pg.close();
    process.disconnect();
    return;
  }
  const { pattern: id, seed, job } = message;
  const pattern = getPattern(id);
  try {
    if (!pattern) throw new Error(`no pattern ${id}`);
    const started = performance.now();
    let reported = 0;
    const onProgress = (done: number, total: number) => {
      // A few progress messages a pattern, not one per run.
      if (done === total || done - reported >= Math.max(1, Math.floor(total / 10))) {
        reported = done;
        send({ type: 'progress', pattern: id, done, total });
      }
    };
    const result = job === 'compare' ? await compareAndRecord(pattern, seed, onProgress) : await explorePattern(db, pattern, { seed, onProgress });
    send({ type: 'done', pattern: id, result, ms: performance.now() - started });
  } catch (error) {
    send({ type: 'failed', pattern: id, message: error instanceof Error ? error.message : String(error) });
  }
});
send({ type: 'ready' });

/**
 * Comparing a pattern explores it whole, exactly as its test file would: the exploration and what
 * the tests observe of its steps are left as a record, so the tests that follow the build need not
 * explore it again (see exploration-record.ts).
 */
async function compareAndRecord(pattern: NonNullable<ReturnType<typeof getPattern>>, seed: number, onProgress: (done: number, total: number) => void) {
  const runs: ExploredRun[] = [];
  const observed = noObservations();
  const compared = await comparePattern(db, pattern, {
    seed,
    housekeeping: loadHousekeeping(),
    onProgress,
    onRun: (result, run) => {
      runs.push(run);
      observeRun(observed, result, run);
    },
  });
  writeExplorationRecord(seed, { explored: { pattern: pattern.info.id, runs }, observed });
  return compared;
}
