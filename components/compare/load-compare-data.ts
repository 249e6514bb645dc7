/**
 * Reads what /compare paints from, at build time: public/generated/compare/data.json, written by
 * scripts/compare/generate.ts before `next build`. A missing or stale file stops the build with a
 * message that says what to run, rather than shipping a page with no numbers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScaleMeasures } from '../../machines/compare/scale/types';
import type { CompareData } from '../../machines/compare/types';

const GENERATE = 'npx tsx scripts/compare/generate.ts';

/** What the build writes: the comparison with its figures at scale, always measured there. */
export type BuiltCompareData = CompareData & { scale: ScaleMeasures };

export function loadCompareData(): BuiltCompareData {
  const path = join(process.cwd(), 'public/generated/compare/data.json');
  if (!existsSync(path)) throw new Error(`/compare: ${path} is missing. Run \`${GENERATE}\` (npm run build runs it first) and build again.`);
  const data = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown };
  if (data.format !== 1) throw new Error(`/compare: ${path} has format ${JSON.stringify(data.format)}, this page reads format 1. Run \`${GENERATE} --force\` and build again.`);
  const built = data as CompareData;
  if (!built.scale) throw new Error(`/compare: ${path} has no figures at scale. Run \`${GENERATE} --force\` and build again.`);
  return built as BuiltCompareData;
}
