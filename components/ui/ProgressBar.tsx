import { useId } from 'react';

/** A labelled progress bar for long work in a worker (a re-run, a measurement): what it does now, and how far. */
export function ProgressBar({ message, fraction }: { message: string; fraction: number }) {
  const labelId = useId();
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div>
      <p id={labelId} className="text-sm">
        {message}
      </p>
      <div
        role="progressbar"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="mt-1 h-3 w-full overflow-hidden rounded-full bg-surface-2"
      >
        <div className="h-full rounded-full bg-accent transition-[width] duration-300" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
