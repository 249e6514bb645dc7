import Link from 'next/link';
import type { PatternInfo } from '../../machines/kernel/pattern-info';
import { AnomalyBadge } from '../ui/AnomalyBadge';

export function PatternCard({ pattern }: { pattern: PatternInfo }) {
  return (
    <Link
      href={`/patterns/${pattern.id}/`}
      data-testid={`pattern-card-${pattern.id}`}
      className="group flex h-full flex-col gap-3 rounded-lg border border-line bg-surface p-5 shadow-sm transition-colors hover:border-accent"
    >
      <h3 className="text-lg font-semibold leading-snug group-hover:underline">{pattern.title}</h3>
      <p className="flex-1 text-muted">{pattern.promise}</p>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted">Worst case:</span>
        <AnomalyBadge id={pattern.worstAnomaly} size="sm" />
      </div>
    </Link>
  );
}
