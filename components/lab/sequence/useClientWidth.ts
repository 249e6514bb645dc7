'use client';

import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * The element's client width, kept up to date as it resizes. Measured before paint, so the
 * first frame is already laid out for the real width rather than `initial`.
 */
export function useClientWidth(ref: RefObject<HTMLElement | null>, initial: number): number {
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
