'use client';

import { useEffect, useState } from 'react';

type ThemeChoice = 'system' | 'light' | 'dark';
const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];
const LABEL: Record<ThemeChoice, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };
const GLYPH: Record<ThemeChoice, string> = { system: '◐', light: '☀', dark: '☾' };

/**
 * Cycles system → light → dark. The choice lives on <html data-theme> (read by globals.css) and in
 * localStorage; the inline script in the root layout applies it before first paint.
 */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>('system');

  useEffect(() => {
    const stored = document.documentElement.dataset.theme;
    if (stored === 'light' || stored === 'dark') setChoice(stored);
  }, []);

  function cycle() {
    const next = ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length] ?? 'system';
    setChoice(next);
    const root = document.documentElement;
    if (next === 'system') delete root.dataset.theme;
    else root.dataset.theme = next;
    try {
      if (next === 'system') localStorage.removeItem('dwl-theme');
      else localStorage.setItem('dwl-theme', next);
    } catch {
      // Storage can be blocked (private mode, embedded iframes); the toggle still works for this page.
    }
  }

  return (
    <button
      type="button"
      onClick={cycle}
      className="inline-flex items-center gap-2 rounded-md border border-line px-3 py-1.5 text-sm hover:bg-surface-2"
      aria-label={`${LABEL[choice]} (click to change)`}
      title={LABEL[choice]}
    >
      <span aria-hidden="true">{GLYPH[choice]}</span>
      <span className="hidden sm:inline">{LABEL[choice]}</span>
    </button>
  );
}
