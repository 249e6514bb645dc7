'use client';

import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { readEmbedOptions, type EmbedOptions } from '../../machines/embed/options';

const FULL_LAB: EmbedOptions = { panels: new Set(['tables', 'topics', 'flow', 'controls']), theme: 'auto', outcome: 'shown', size: 'normal', problems: [] };

/**
 * The figure's presentation, read once from the address it was opened with: the lab rewrites its
 * query to the scenario's parts as it runs, and a figure must not lose its panels when it does.
 * The lab page shows every panel.
 */
export function useEmbedOptions(embedded: boolean): EmbedOptions {
  const params = useSearchParams();
  const [options] = useState(() => (embedded ? readEmbedOptions(new URLSearchParams(params.toString())) : FULL_LAB));
  return options;
}
