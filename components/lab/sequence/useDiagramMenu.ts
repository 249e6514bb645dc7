'use client';

import { useCallback, useRef, useState, type RefObject } from 'react';
import type { SequenceLayout } from '../sequence-layout';
import { HEADER_HEIGHT } from './constants';

/** The part of the scroll box in view, in content coordinates (below the sticky header). */
export interface VisibleArea {
  top: number;
  bottom: number;
  /** Horizontally: on a narrow screen the diagram is wider than its box. */
  left: number;
  right: number;
}

/** Which menu is open, anchored in scroll-box content coordinates. */
export type DiagramMenu =
  | { type: 'entry'; seq: number; x: number; y: number; visible: VisibleArea }
  | { type: 'actor'; actor: string; x: number; y: number; visible: VisibleArea }
  | null;

/**
 * The diagram's one open menu (an arrow's or a lifeline's). Closing it with Escape or × gives
 * focus back to what opened it, so keyboard users keep their place; `dismissMenu` closes it
 * without that, after a choice that moves on (arming a fault, going to a step).
 */
export function useDiagramMenu(scrollRef: RefObject<HTMLElement | null>, layout: SequenceLayout) {
  const openerRef = useRef<HTMLElement | SVGElement | null>(null);
  const [menu, setMenu] = useState<DiagramMenu>(null);

  const visibleArea = useCallback((): VisibleArea => {
    const el = scrollRef.current;
    return el
      ? { top: el.scrollTop + HEADER_HEIGHT, bottom: el.scrollTop + el.clientHeight, left: el.scrollLeft, right: el.scrollLeft + el.clientWidth }
      : { top: 0, bottom: Infinity, left: 0, right: Infinity };
  }, [scrollRef]);

  const closeMenu = useCallback(() => {
    setMenu(null);
    const opener = openerRef.current;
    if (opener && 'focus' in opener) opener.focus({ preventScroll: true });
  }, []);

  const dismissMenu = useCallback(() => setMenu(null), []);

  const openEntry = useCallback(
    (seq: number, target: SVGGElement) => {
      const row = layout.rows.find((r) => r.entry.seq === seq);
      if (!row) return;
      openerRef.current = target;
      setMenu({ type: 'entry', seq, x: Math.min(row.x1, row.x2), y: HEADER_HEIGHT + row.y + 12, visible: visibleArea() });
    },
    [layout, visibleArea],
  );

  const openActor = useCallback(
    (actor: string, target: HTMLElement, x: number) => {
      openerRef.current = target;
      const visible = visibleArea();
      setMenu({ type: 'actor', actor, x, y: visible.top, visible });
    },
    [visibleArea],
  );

  return { menu, openEntry, openActor, closeMenu, dismissMenu };
}
