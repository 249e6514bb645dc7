'use client';

import { useEffect, useState } from 'react';
import type { Speed } from './Transport';

const BASE_INTERVAL_MS = 1000;

/**
 * Advances one step per tick while playing and stops at the last step. The tick is a plain
 * wall-clock timer: it paces the reader, not the simulation (which already ran to the end). With
 * `more` (only the first steps have arrived) it waits at the last one instead of stopping.
 */
export function usePlayback(step: number, total: number, setStep: (step: number) => void, more = false) {
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<Speed>(1);

  useEffect(() => {
    if (!playing) return;
    if (step >= total) {
      if (!more) setPlaying(false);
      return;
    }
    const timer = window.setTimeout(() => setStep(step + 1), BASE_INTERVAL_MS / speed);
    return () => window.clearTimeout(timer);
  }, [playing, step, total, speed, setStep, more]);

  const togglePlay = () => {
    // Play from the end starts over, which is what a projector audience expects.
    if (!playing && step >= total && !more) setStep(0);
    setPlaying((p) => !p);
  };

  return { playing, setPlaying, speed, setSpeed, togglePlay };
}
