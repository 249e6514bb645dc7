import type { StepRecord } from '../../machines/kernel/types';

/** The text alternative to the diagrams: one caption per step, announced as the step changes. */
export function Narration({ step, total, more = false, t, record }: { step: number; total: number; more?: boolean; t: number; record: StepRecord | undefined }) {
  const caption = step === 0 || !record ? 'Nothing has happened yet. Step forward to begin.' : record.caption;
  return (
    <div
      data-testid="narration"
      aria-live="polite"
      aria-atomic="true"
      className="flex flex-wrap items-baseline gap-x-4 gap-y-1 rounded-lg border border-line bg-surface px-4 py-3"
    >
      <span className="whitespace-nowrap font-semibold">
        Step <span data-testid="narration-step">{step}</span> of {more ? '…' : total}
      </span>
      <span className="whitespace-nowrap text-muted">
        {t} <abbr title="virtual time: milliseconds of simulated time, not wall-clock">simulated ms</abbr>
      </span>
      <span className="min-w-0 flex-1 basis-64 text-lg">
        {record?.struck && step !== 0 && (
          <span className="mr-2 font-bold text-bad">
            <span aria-hidden="true">⚡</span> Fault:
          </span>
        )}
        {caption}
      </span>
    </div>
  );
}
