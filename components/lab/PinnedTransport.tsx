'use client';

/**
 * On a phone the transport sits above the diagram and scrolls away with it: stepping through a
 * run would mean scrolling back up for every step. While the full transport is out of view, this
 * bar at the bottom of the screen keeps back / play / forward and the step count at hand. Wider
 * screens never show it (the diagram fits beside or right below the transport there).
 */
import { useEffect, useState, type RefObject } from 'react';
import { BUTTON, BUTTON_PRIMARY } from './buttonStyles';

export function PinnedTransport({
  watch,
  step,
  total,
  more = false,
  playing,
  onStep,
  onTogglePlay,
}: {
  /** The full transport: the bar shows only while it is scrolled out of view. */
  watch: RefObject<HTMLElement | null>;
  step: number;
  total: number;
  more?: boolean;
  playing: boolean;
  onStep: (step: number) => void;
  onTogglePlay: () => void;
}) {
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    const target = watch.current;
    if (!target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(([entry]) => setHidden(!entry!.isIntersecting));
    observer.observe(target);
    return () => observer.disconnect();
  }, [watch]);
  if (!hidden) return null;
  const atEnd = step >= total;
  return (
    <div
      data-pinned-transport
      data-testid="pinned-transport"
      role="group"
      aria-label="Playback (pinned)"
      className="fixed inset-x-0 bottom-0 z-30 flex items-center justify-center gap-2 border-t border-line bg-surface/95 px-3 py-2 shadow-lg backdrop-blur sm:hidden"
    >
      <button type="button" className={BUTTON} onClick={() => onStep(step - 1)} disabled={step === 0} aria-label="Step back">
        <span aria-hidden="true">◀</span>
      </button>
      <button type="button" className={`${BUTTON_PRIMARY} min-w-20`} onClick={onTogglePlay} aria-pressed={playing} aria-label={playing ? 'Pause' : 'Play'}>
        <span aria-hidden="true">{playing ? '❚❚' : '▶'}</span>
      </button>
      <button type="button" data-testid="pinned-step-forward" className={BUTTON} onClick={() => onStep(step + 1)} disabled={atEnd} aria-label="Step forward">
        <span aria-hidden="true">▶|</span>
      </button>
      <span className="ml-2 text-sm tabular-nums text-muted" aria-live="off">
        {step}/{more ? '…' : total}
      </span>
    </div>
  );
}
