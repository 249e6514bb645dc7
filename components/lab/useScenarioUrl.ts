'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { encodeQueryValue, parseScenarioSearch, PRESENTATION_PARAMS, scenarioToQuery } from '../../machines/kernel/scenario';
import { faultTargetsOf } from '../../machines/patterns/fault-targets';
import type { Scenario } from '../../machines/kernel/types';
import type { PatternId } from '../../machines/kernel/vocabulary';

/** The scenario and step, plus how the page is presented (an embed's panels and theme), kept as they were. */
function toSearch(scenario: Scenario, step: number): string {
  const query: Record<string, string> = scenarioToQuery(scenario, step);
  const current = new URLSearchParams(window.location.search);
  for (const name of PRESENTATION_PARAMS) {
    const value = current.get(name);
    if (value !== null) query[name] = value;
  }
  return '?' + Object.entries(query).map(([k, v]) => `${k}=${encodeQueryValue(v)}`).join('&');
}

/**
 * The URL is the lab's one source of truth for the scenario and the step: every change is written
 * there, so copying the address bar always reproduces what is on screen. The query is mirrored in
 * local state and written with the History API, so a keypress is on screen in the same frame and
 * two quick presses never read a stale step; Back/Forward are picked up from `popstate`.
 * Scenario changes push a history entry (Back undoes a fault); step moves replace it (playing to
 * the end does not leave fifty entries behind).
 */
export function useScenarioUrl(pattern: PatternId, variants: readonly string[]) {
  const params = useSearchParams();
  const [search, setSearch] = useState(() => params.toString());
  const latest = useRef(search);

  useEffect(() => {
    const onPopState = () => {
      latest.current = window.location.search.replace(/^\?/, '');
      setSearch(latest.current);
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  // Unknown parameters, actors and operations are reported along with malformed values.
  const faultTargets = useMemo(() => faultTargetsOf(pattern), [pattern]);
  const parse = useCallback(
    (text: string) => parseScenarioSearch(pattern, new URLSearchParams(text), variants, faultTargets),
    [pattern, variants, faultTargets],
  );
  const parsed = useMemo(() => parse(search), [parse, search]);

  // Problems are those of the link the page was opened with; once the URL is rewritten to the
  // default they would vanish, so they are kept until dismissed.
  const [problems, setProblems] = useState<string[]>(() => parsed.problems);
  const step = parsed.step ?? 0;

  const write = useCallback((next: string, mode: 'push' | 'replace') => {
    latest.current = next.replace(/^\?/, '');
    if (next !== window.location.search) {
      if (mode === 'push') window.history.pushState(window.history.state, '', next + window.location.hash);
      else window.history.replaceState(window.history.state, '', next + window.location.hash);
    }
    setSearch(latest.current);
  }, []);

  useEffect(() => {
    write(toSearch(parsed.scenario, step), 'replace');
  }, [parsed.scenario, step, write]);

  const setStep = useCallback(
    (next: number | ((current: number) => number)) => {
      const current = parse(latest.current);
      const value = typeof next === 'function' ? next(current.step ?? 0) : next;
      write(toSearch(current.scenario, Math.max(0, value)), 'replace');
    },
    [parse, write],
  );

  const setScenario = useCallback(
    (next: Scenario, nextStep?: number) => {
      const current = parse(latest.current);
      write(toSearch(next, Math.max(0, nextStep ?? current.step ?? 0)), 'push');
    },
    [parse, write],
  );

  const dismissProblems = useCallback(() => setProblems([]), []);

  return { scenario: parsed.scenario, step, setStep, setScenario, problems, dismissProblems };
}
