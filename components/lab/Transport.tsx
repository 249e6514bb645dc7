'use client';

import { BUTTON, BUTTON_PRIMARY, FIELD } from './buttonStyles';

export const SPEEDS = [0.5, 1, 2, 4] as const;
export type Speed = (typeof SPEEDS)[number];

/** Step, play and jump controls. The result holds every step, so all of these only move an index. */
export function Transport({
  step,
  total,
  playing,
  speed,
  onStep,
  onTogglePlay,
  onSpeed,
  onReset,
  more = false,
}: {
  step: number;
  total: number;
  /** The run is still being computed: `total` is only what has arrived. */
  more?: boolean;
  playing: boolean;
  speed: Speed;
  onStep: (step: number) => void;
  onTogglePlay: () => void;
  onSpeed: (speed: Speed) => void;
  onReset: () => void;
}) {
  const atEnd = step >= total;
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Playback">
      <button type="button" data-testid="reset" className={BUTTON} onClick={onReset} disabled={step === 0} aria-label="Reset to step 0 (R)">
        <span aria-hidden="true">⇤</span>
        <span>Reset</span>
      </button>
      <button
        type="button"
        data-testid="step-back"
        className={BUTTON}
        onClick={() => onStep(step - 1)}
        disabled={step === 0}
        aria-label="Step back (← or J)"
      >
        <span aria-hidden="true">◀</span>
        <span className="hidden sm:inline">Back</span>
      </button>
      <button
        type="button"
        data-testid="play"
        className={`${BUTTON_PRIMARY} min-w-24`}
        onClick={onTogglePlay}
        aria-pressed={playing}
        aria-label={playing ? 'Pause (Space)' : atEnd ? 'Replay from step 0 (Space)' : 'Play (Space)'}
      >
        <span aria-hidden="true">{playing ? '❚❚' : atEnd ? '↺' : '▶'}</span>
        <span>{playing ? 'Pause' : atEnd ? 'Replay' : 'Play'}</span>
      </button>
      <button
        type="button"
        data-testid="step-forward"
        className={BUTTON}
        onClick={() => onStep(step + 1)}
        disabled={atEnd}
        aria-label="Step forward (→ or K)"
      >
        <span className="hidden sm:inline">Step</span>
        <span aria-hidden="true">▶|</span>
      </button>
      <label className="flex items-center gap-1.5 text-sm">
        <span className="text-muted">Speed</span>
        <select
          data-testid="speed"
          className={FIELD}
          value={speed}
          onChange={(event) => onSpeed(Number(event.target.value) as Speed)}
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <label className="flex min-w-40 flex-1 items-center gap-2 text-sm">
        <span className="sr-only">Jump to step</span>
        <input
          type="range"
          data-testid="step-slider"
          min={0}
          max={total}
          value={Math.min(step, total)}
          onChange={(event) => onStep(Number(event.target.value))}
          className="w-full accent-[var(--accent)]"
          aria-valuetext={more ? `Step ${step}; the rest of the run is still being computed` : `Step ${step} of ${total}`}
        />
        <span className="whitespace-nowrap tabular-nums text-muted">
          {step}/{more ? '…' : total}
        </span>
      </label>
    </div>
  );
}
