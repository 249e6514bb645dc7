/** `lab patterns`: every pattern the lab runs, with what it promises and its worst single-fault anomaly. */
import { PATTERNS } from '../../machines/patterns/index';
import { PATTERN_IDS } from '../../machines/kernel/vocabulary';
import { parseFlags } from './args';
import { print, printJson } from './io';
import { indent } from './text';

export interface PatternListing {
  id: string;
  title: string;
  promise: string;
  worstAnomaly: string;
  variants: string[];
  hasConsumer: boolean;
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
          `Worst single-fault anomaly: ${p.worstAnomaly}`,
          `Variants: ${p.variants.join(', ')}`,
        ].join('\n'),
      ),
    ].join('\n'),
  );
  blocks.push(`Try: lab run ${listing[0]!.id} --points`);
  print(blocks.join('\n\n'));
  return 0;
}
