'use client';

import { useEffect, useState } from 'react';

/**
 * A number that changes whenever the theme may have: the toggle sets data-theme on <html>, and
 * without a choice the system's colour scheme decides. Canvas charts read the CSS variables when
 * they draw, so they redraw on a change.
 */
export function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', bump);
    };
  }, []);
  return version;
}
