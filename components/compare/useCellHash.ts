'use client';

import { useCallback, useEffect, useState } from 'react';
import { parseCellHash, type CellTarget } from './cell-runs';
import type { ExplorerRow } from './rows';

/**
 * The open cell lives in the URL hash, so a link to a cell opens it and Back closes it. Cells are
 * plain `#runs=…` links; this only listens. Closing drops the hash in place, with no new entry.
 */
export function useCellHash(rows: readonly ExplorerRow[]): { target: CellTarget | null; close: () => void } {
  const [target, setTarget] = useState<CellTarget | null>(null);

  useEffect(() => {
    const read = () => setTarget(parseCellHash(window.location.hash, rows));
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, [rows]);

  const close = useCallback(() => {
    if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    setTarget(null);
  }, []);

  return { target, close };
}
