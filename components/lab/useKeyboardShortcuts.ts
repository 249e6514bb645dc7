'use client';

import { useEffect, useRef } from 'react';

export interface ShortcutHandlers {
  forward: () => void;
  back: () => void;
  togglePlay: () => void;
  reset: () => void;
  toggleHelp: () => void;
  closeHelp: () => void;
}

/** Keys typed into a field are text, not shortcuts (the presenter's keys follow the same rule). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return target.closest('input, textarea, select, [contenteditable="true"]') !== null;
}

function isActivatable(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return target.closest('button, a, summary, [role="button"]') !== null;
}

/** Page-wide keys for stepping. Typing in a field, or pressing Space on a button, keeps its usual meaning. */
export function useKeyboardShortcuts(handlers: ShortcutHandlers) {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const h = ref.current;
      if (event.key === 'Escape') {
        h.closeHelp();
        return;
      }
      if (isTyping(event.target)) return;
      switch (event.key) {
        case 'ArrowRight':
        case 'k':
          h.forward();
          break;
        case 'ArrowLeft':
        case 'j':
          h.back();
          break;
        case ' ':
          if (isActivatable(event.target)) return;
          h.togglePlay();
          break;
        case 'r':
          h.reset();
          break;
        case '?':
          h.toggleHelp();
          break;
        default:
          return;
      }
      event.preventDefault();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
