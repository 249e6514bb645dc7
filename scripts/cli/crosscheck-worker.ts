/**
 * The PGlite side of `lab crosscheck`, in a process of its own: PGlite runs on the thread that
 * calls it, so in the parent it would hold up the server side's replies; here the two sides
 * take a CPU each. Explores the patterns it is sent, one at a time, and sends back their runs
 * as lines (crosscheck-diff.ts).
 */
import { explorePattern } from '../../machines/kernel/explore';
import { getPattern } from '../../machines/patterns/index';
import { startLabPostgresInNode } from '../../machines/runtime/boot-image-node';
import { firstPointOfEachKind, runKey, type RunLines } from './crosscheck-diff';
import { comparableLines } from './crosscheck-meaning';

export type ToCrosscheckWorker = { type: 'explore'; pattern: string; seed: number; quick: boolean } | { type: 'stop' };
export type FromCrosscheckWorker = { type: 'ready' } | { type: 'done'; pattern: string; runs: RunLines[] } | { type: 'failed'; pattern: string; message: string };

const send = (message: FromCrosscheckWorker) => process.send!(message);
// Not awaited before listening: a message that arrives with no listener yet would be lost.
const booted = startLabPostgresInNode();

// One at a time, in the order sent: the parent may queue every pattern at once.
let queue = Promise.resolve();
process.on('message', (message: ToCrosscheckWorker) => {
  queue = queue.then(async () => {
    const { pg, db } = await booted;
    if (message.type === 'stop') {
      await pg.close();
      process.disconnect();
      return;
    }
    try {
      const pattern = getPattern(message.pattern);
      if (!pattern) throw new Error(`no pattern ${message.pattern}`);
      const runs: RunLines[] = [];
      await explorePattern(db, pattern, { seed: message.seed, only: message.quick ? firstPointOfEachKind() : undefined, onRun: (result, run) => runs.push({ key: runKey(run), lines: comparableLines(pattern, result) }) });
      send({ type: 'done', pattern: message.pattern, runs });
    } catch (error) {
      send({ type: 'failed', pattern: message.pattern, message: error instanceof Error ? error.message : String(error) });
    }
  });
});
send({ type: 'ready' });
