'use client';

import { useEffect, useState } from 'react';
import type { PatternCases } from '../../machines/compare/types';
import type { PatternId } from '../../machines/kernel/vocabulary';

export type CasesState = { status: 'loading' } | { status: 'ready'; cases: PatternCases } | { status: 'error'; message: string };

// One request per pattern for the life of the page, however many of its cells are opened.
const requests = new Map<PatternId, Promise<PatternCases>>();

async function fetchCases(pattern: PatternId): Promise<PatternCases> {
  const response = await fetch(`/generated/compare/cases/${pattern}.json`);
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  const body = (await response.json()) as Partial<PatternCases>;
  if (body.pattern !== pattern || typeof body.variants !== 'object' || body.variants === null) throw new Error('the file does not hold this pattern’s runs');
  return body as PatternCases;
}

function casesOf(pattern: PatternId): Promise<PatternCases> {
  let request = requests.get(pattern);
  if (!request) {
    request = fetchCases(pattern);
    // A failed request is forgotten, so opening the cell again retries it.
    request.catch(() => requests.delete(pattern));
    requests.set(pattern, request);
  }
  return request;
}

/** The explored runs behind a pattern's rows, fetched when one of its cells is first opened. */
export function usePatternCases(pattern: PatternId | null): CasesState {
  const [state, setState] = useState<CasesState>({ status: 'loading' });
  useEffect(() => {
    if (!pattern) return;
    let current = true;
    setState({ status: 'loading' });
    casesOf(pattern).then(
      (cases) => current && setState({ status: 'ready', cases }),
      (error: unknown) => current && setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [pattern]);
  return state;
}
