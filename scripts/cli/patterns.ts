/** `lab patterns`: what the lab knows about, and which patterns the simulation can run today. */
import { PATTERN_CATALOG } from '../../machines/patterns/catalog';
import { PATTERNS } from '../../machines/patterns/index';
import { PATTERN_IDS } from '../../machines/kernel/vocabulary';
import { parseFlags } from './args';
import { print, printJson } from './io';
import { indent } from './text';

export interface PatternListing {
  id: string;
  runnable: boolean;
  title: string | null;
  promise: string | null;
  worstAnomaly: string | null;
  variants: string[];
  hasConsumer: boolean | null;
}

export function listPatterns(): PatternListing[] {
  return PATTERN_IDS.map((id) => {
    const info = PATTERN_CATALOG.find((p) => p.id === id);
    return {
      id,
      runnable: PATTERNS[id] !== undefined,
      title: info?.title ?? null,
      promise: info?.promise ?? null,
      worstAnomaly: info?.worstAnomaly ?? null,
      variants: info?.variants.map((v) => v.id) ?? [],
      hasConsumer: info?.hasConsumer ?? null,
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
  const described = listing.filter((p) => p.title !== null);
  const blocks = described.map((p) =>
    [
      `${p.id}  ${p.runnable ? '[runs]' : '[not runnable yet]'}`,
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
  const planned = listing.filter((p) => p.title === null).map((p) => p.id);
  if (planned.length > 0) blocks.push(`Planned, not described yet: ${planned.join(', ')}`);
  blocks.push(`Try: lab run ${described.find((p) => p.runnable)?.id ?? '<pattern>'} --points`);
  print(blocks.join('\n\n'));
  return 0;
}
