/**
 * Before `next build`: compare every pattern and write what /compare paints from, into
 * public/generated/compare/ (data.json, cases/<pattern>.json, matrix.csv). The result is kept
 * with a hash of everything it depends on (the simulation's sources, the content, the lockfile),
 * so rebuilding without a change to them reuses it; any change explores afresh.
 *
 *   tsx scripts/compare/generate.ts [--force]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleCompare } from '../../machines/compare/build';
import { compareCsv } from '../../machines/compare/csv';
import { DEFAULT_SEED } from '../../machines/kernel/scenario';
import { PATTERN_IDS } from '../../machines/kernel/vocabulary';
import { loadClaims, loadHousekeeping } from './content';
import { compareInPool } from '../pool/pattern-pool';
import { measureScaleInNode } from './scale';
import { filesUnder, sourcesHash, sourcesUnder } from '../../machines/runtime/sources-hash';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const COMPARE_OUT = join(ROOT, 'public/generated/compare');
const STAMP = join(COMPARE_OUT, 'inputs.sha256');

const COMPARED_FOLDERS = ['kernel', 'actors', 'patterns', 'compare', 'runtime'];

/** What the comparison depends on: the simulation (not its tests), the comparison's content, the lockfile. */
function inputsHash(): string {
  return sourcesHash(ROOT, [
    // Only what a comparison runs: the browser workers, embeds and lessons do not change its numbers.
    ...COMPARED_FOLDERS.flatMap((folder) => sourcesUnder(join(ROOT, 'machines', folder))),
    ...filesUnder(join(ROOT, 'content/compare')),
    ...filesUnder(join(ROOT, 'scripts/compare')),
    ...filesUnder(join(ROOT, 'scripts/pool')),
    join(ROOT, 'package-lock.json'),
  ]);
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  // Both are read now, so a broken content file fails in milliseconds, not after minutes of exploring.
  const claims = loadClaims();
  loadHousekeeping();
  const hash = inputsHash();
  if (!force && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash && existsSync(join(COMPARE_OUT, 'data.json'))) {
    process.stderr.write('compare: public/generated/compare is up to date\n');
    return;
  }
  const started = performance.now();
  process.stderr.write(`compare: exploring ${PATTERN_IDS.length} patterns for /compare …\n`);
  const compared = await compareInPool(PATTERN_IDS, DEFAULT_SEED, {
    onDone: (pattern, ms) => process.stderr.write(`compare: ${pattern} in ${(ms / 1000).toFixed(1)} s\n`),
  });
  process.stderr.write('compare: measuring the outbox poll, housekeeping and an idle slot at scale …\n');
  const scale = await measureScaleInNode();
  const data = assembleCompare(compared, claims, DEFAULT_SEED, scale);

  rmSync(COMPARE_OUT, { recursive: true, force: true });
  mkdirSync(join(COMPARE_OUT, 'cases'), { recursive: true });
  writeFileSync(join(COMPARE_OUT, 'data.json'), JSON.stringify(data));
  writeFileSync(join(COMPARE_OUT, 'matrix.csv'), compareCsv(data));
  for (const { cases } of compared) writeFileSync(join(COMPARE_OUT, 'cases', `${cases.pattern}.json`), JSON.stringify(cases));
  writeFileSync(STAMP, hash);
  const refuted = data.claims.filter((c) => !c.verdict.holds).length;
  process.stderr.write(`compare: ${data.rows.length} rows, ${data.claims.length} claims (${refuted} refuted) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

await main();
