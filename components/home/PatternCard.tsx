import Link from 'next/link';
import type { PatternInfo } from '../../machines/kernel/pattern-info';
import { AnomalyBadge } from '../ui/AnomalyBadge';

/**
 * One pattern on the landing page: its promise, the worst case of its default form, and each other
 * variant with its own worst case (a variant can be far better or worse than the default: the
 * id-cursor relay loses events, the default relay never does).
 *
 * `tradeOff` is the default form's one-line summary from the comparison (see /compare).
 *
 * The title's link stretches over the whole card, so the card opens the default form; the variant
 * rows sit above that overlay and open the lab on their own variant.
 */
export function PatternCard({ pattern, tradeOff }: { pattern: PatternInfo; tradeOff?: string }) {
  const href = `/patterns/${pattern.id}/`;
  const otherVariants = pattern.variants.filter((v) => v.id !== 'default');
  return (
    <article
      data-testid={`pattern-card-${pattern.id}`}
      className="group relative flex h-full flex-col gap-3 rounded-lg border border-line bg-surface p-5 shadow-sm transition-colors hover:border-accent"
    >
      <h3 className="text-lg font-semibold leading-snug">
        <Link href={href} className="after:absolute after:inset-0 after:rounded-lg group-hover:underline">
          {pattern.title}
        </Link>
      </h3>
      <p className="text-muted">{pattern.promise}</p>
      <div data-testid="default-worst" className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted">Worst case:</span>
        <AnomalyBadge id={pattern.worstAnomaly} size="sm" />
      </div>
      {tradeOff && (
        <p data-testid="trade-off" className="text-sm">
          <span className="sr-only">Trade-offs: </span>
          {tradeOff}
        </p>
      )}
      {otherVariants.length > 0 && (
        <div className="border-t border-line pt-3 text-sm">
          <p className="text-muted">{otherVariants.length === 1 ? 'Variant' : 'Variants'}, each with its own worst case:</p>
          <ul className="mt-2 flex flex-col gap-2">
            {otherVariants.map((variant) => (
              <li key={variant.id}>
                <Link
                  href={`${href}?variant=${encodeURIComponent(variant.id)}`}
                  data-testid={`variant-worst-${variant.id}`}
                  className="relative z-10 flex items-start justify-between gap-3 hover:underline"
                >
                  <span className="min-w-0 pt-0.5">{variant.label}</span>
                  <span className="shrink-0">
                    <AnomalyBadge id={variant.worstAnomaly} size="sm" />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </article>
  );
}
