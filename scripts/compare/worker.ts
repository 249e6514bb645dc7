/**
 * One worker of the comparison pool (see pool.ts): boots its own PGlite and compares the patterns
 * the parent hands it, one at a time, so two CPUs explore two patterns at once.
 */
import { comparePattern } from '../../machines/compare/build';
import { getPattern } from '../../machines/patterns/index';
import { startLabPostgresInNode } from '../../machines/runtime/boot-image-node';
import { loadHousekeeping } from './content';
import type { ToParent, ToWorker } from './pool';

const send = (message: ToParent) => process.send!(message);
const { pg, db } = await startLabPostgresInNode();
const housekeeping = loadHousekeeping();

process.on('message', async (message: ToWorker) => {
  if (message.type === 'stop') {
    await pg.close();
    process.disconnect();
    return;
  }
  const pattern = getPattern(message.pattern);
  try {
    if (!pattern) throw new Error(`no pattern ${message.pattern}`);
    const started = performance.now();
    let reported = 0;
    const compared = await comparePattern(db, pattern, {
      seed: message.seed,
      housekeeping,
      onProgress: (done, total) => {
        // A few progress messages a pattern, not one per run.
        if (done === total || done - reported >= Math.max(1, Math.floor(total / 10))) {
          reported = done;
          send({ type: 'progress', pattern: message.pattern, done, total });
        }
      },
    });
    send({ type: 'done', pattern: message.pattern, compared, ms: performance.now() - started });
  } catch (error) {
    send({ type: 'failed', pattern: message.pattern, message: error instanceof Error ? error.message : String(error) });
  }
});
send({ type: 'ready' });
