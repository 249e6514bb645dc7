'use client';

import { useCallback, useMemo, useState, type RefObject } from 'react';
import type { SequenceLayout } from '../sequence-layout';

export type FocusMove = 'next' | 'previous' | 'first' | 'last';

/**
 * Keyboard focus among the arrows as a roving tabindex: the whole diagram is one Tab stop, and
 * ↑/↓ (Home/End) move between arrows. Until the reader moves, the Tab stop is the current step's
 * first arrow, so tabbing in lands where the run is.
 */
export function useArrowFocus(
  scrollRef: RefObject<HTMLElement | null>,
  layout: SequenceLayout,
  step: number,
): { tabSeq: number; moveFocus: (seq: number, move: FocusMove) => void } {
  const [focusSeq, setFocusSeq] = useState<number | null>(null);

  const tabSeq = useMemo(() => {
    if (focusSeq !== null && layout.rows.some((r) => r.entry.seq === focusSeq)) return focusSeq;
    const atStep = layout.rows.find((r) => r.entry.step === Math.max(step, 1));
    return atStep?.entry.seq ?? layout.rows[0]?.entry.seq ?? -1;
  }, [focusSeq, layout, step]);

  const moveFocus = useCallback(
    (seq: number, move: FocusMove) => {
      const index = layout.rows.findIndex((r) => r.entry.seq === seq);
      const last = layout.rows.length - 1;
      const target =
        move === 'first' ? 0 : move === 'last' ? last : Math.max(0, Math.min(last, index + (move === 'next' ? 1 : -1)));
      const next = layout.rows[target]?.entry.seq;
      if (next === undefined) return;
      setFocusSeq(next);
      const element = scrollRef.current?.querySelector<SVGGElement>(`[data-testid="arrow-${next}"]`);
      element?.focus({ preventScroll: true });
      element?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    },
    [scrollRef, layout],
  );

  return { tabSeq, moveFocus };
}
