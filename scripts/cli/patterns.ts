/** `lab patterns`: every pattern the lab runs, with what it promises and its worst single-fault anomaly. */
import { PATTERNS } from '../../machines/patterns/index';
import { PATTERN_IDS, type PatternId } from '../../machines/kernel/vocabulary';
import { parseFlags } from './args';
import { print, printJson } from './io';
import { indent } from './text';

export interface PatternListing {
  id: PatternId;
  title: string;
  promise: string;
  /** The default form's worst single-fault anomaly. */
  worstAnomaly: string;
  variants: string[];
  hasConsumer: boolean;
}

/** Each variant with its own worst single-fault anomaly, for the readable listing. */
function variantWorst(id: PatternId): [string, string][] {
  return PATTERNS[id].info.variants.map((v) => [v.id, v.worstAnomaly]);
}

export function listPatterns(): PatternListing[] {
  return PATTERN_IDS.map((id) => {
    const { info } = PATTERNS[id];
    return {
      id,
      title: info.title,
      promise: info.promise,
      worstAnomaly: info.worstAnomaly,
      variants: info.variants.map((v) => v.id),
      hasConsumer: info.hasConsumer,
    };
  });
}

export async function patternsCommand(args: string[]): Promise<number> {
  const { values } = parseFlags('patterns', args, { json: { type: 'boolean' } }, 0);
  const listing = listPatterns();
  if (values.json) {
    printJson(listing);
    return 0;
  }
  const blocks = listing.map((p) =>
    [
      p.id,
      indent(
        [
          p.title,
          `Promise: ${p.promise}`,
          `Worst single-fault anomaly of the default form: ${p.worstAnomaly}`,
          `Variants: ${variantWorst(p.id).map(([id, worst]) => `${id} (worst: ${worst})`).join(', ')}`,
        ].join('\n'),
      ),
    ].join('\n'),
  );
  blocks.push(`Try: lab run ${listing[0]!.id} --points`);
  print(blocks.join('\n\n'));
  return 0;
}
