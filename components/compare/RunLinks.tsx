import type { RunLink } from '../../machines/compare/types';
import type { PatternId } from '../../machines/kernel/vocabulary';
import { labHref } from './lab-link';

/** A figure's source runs as lab links, opened at their first step; `context` names the row for screen readers. */
export function MeasuredRunLinks({ pattern, seed, run, runIdempotent, context }: { pattern: PatternId; seed: number; run: RunLink; runIdempotent: RunLink | null; context: string }) {
  const links = runIdempotent ? [run, runIdempotent] : [run];
  return (
    <span className="flex flex-col gap-0.5 whitespace-nowrap">
      {links.map((link) => (
        <a key={String(link.idempotentConsumer)} className="text-accent underline" href={labHref(pattern, seed, link)}>
          <span className="sr-only">{context}: </span>
          run{runIdempotent ? ` (${link.idempotentConsumer ? 'on' : 'off'})` : ''}
        </a>
      ))}
    </span>
  );
}
