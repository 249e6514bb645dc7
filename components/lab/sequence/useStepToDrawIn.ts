'use client';

import { useEffect, useRef } from 'react';

/**
 * The step whose arrows should draw in, or -1 for none. Only a single step forward draws in;
 * jumps and step-backs just appear, and nothing animates when the reader asked for less motion.
 */
export function useStepToDrawIn(step: number, reducedMotion: boolean): number {
  const previousStep = useRef(step);
  const animateStep = !reducedMotion && step === previousStep.current + 1 ? step : -1;
  useEffect(() => {
    previousStep.current = step;
  }, [step]);
  return animateStep;
}
