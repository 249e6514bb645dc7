'use client';

import { useEffect, type RefObject } from 'react';
import type { SequenceLayout } from '../sequence-layout';
import { HEADER_HEIGHT } from './constants';

/** Scrolls the diagram's box so the current step's band (and, on narrow screens, its arrows) is in view. */
export function useScrollCurrentStepIntoView(
  scrollRef: RefObject<HTMLElement | null>,
  layout: SequenceLayout,
  step: number,
  reducedMotion: boolean,
): void {
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const band = layout.bands.get(step);
    const top = band ? band.top : 0;
    const bottom = band ? band.bottom : 0;
    const visible = el.clientHeight - HEADER_HEIGHT;
    const viewTop = el.scrollTop;
    const viewBottom = el.scrollTop + visible;
    // Keep the current step in the upper part of the box, so the next steps (where faults are
    // armed) stay in sight as the run plays.
    let nextTop = el.scrollTop;
    if (top < viewTop || bottom > viewTop + visible * 0.7 || bottom > viewBottom) nextTop = Math.max(0, top - visible * 0.25);
    // On narrow screens the diagram is wider than its box: bring the current arrows into view too.
    let nextLeft = el.scrollLeft;
    const xs = layout.rows.filter((r) => r.entry.step === step).flatMap((r) => [r.x1, r.x2]);
    if (xs.length > 0 && el.scrollWidth > el.clientWidth) {
      const left = Math.min(...xs) - 60;
      const right = Math.max(...xs) + 60;
      if (left < el.scrollLeft || right > el.scrollLeft + el.clientWidth) {
        nextLeft = Math.max(0, (left + right) / 2 - el.clientWidth / 2);
      }
    }
    if (nextTop !== el.scrollTop || nextLeft !== el.scrollLeft) {
      el.scrollTo({ top: nextTop, left: nextLeft, behavior: reducedMotion ? 'auto' : 'smooth' });
    }
  }, [scrollRef, step, layout, reducedMotion]);
}
