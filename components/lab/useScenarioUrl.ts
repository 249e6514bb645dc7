'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { parseScenarioQuery, scenarioToQuery } from '../../machines/kernel/scenario';
import type { Scenario } from '../../machines/kernel/types';
import type { PatternId } from '../../machines/kernel/vocabulary';

// Faults read `crash@relay.mark:1`; keeping @ : , unescaped (all legal in a query) makes shared
// links readable and matches what the command line prints.
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, '@').replace(/%3A/g, ':').replace(/%2C/g, ',');
}

function toSearch(scenario: Scenario, step: number): string {
  const query = scenarioToQuery(scenario, step);
  return '?' + Object.entries(query).map(([k, v]) => `${k}=${encodeValue(v)}`).join('&');
}

function readQuery(params: URLSearchParams | ReturnType<typeof useSearchParams>) {
  return {
    seed: params.get('seed'),
    variant: params.get('variant'),
    faults: params.get('faults'),
    idem: params.get('idem'),
    orders: params.get('orders'),
    step: params.get('step'),
  };
}

/**
 * The URL is the lab's one source of truth for the scenario and the step: every change is written
 * there and read back, so copying the address bar always reproduces what is on screen.
 * Scenario changes push a history entry (Back undoes a fault); step moves replace it (playing to
 * the end does not leave fifty entries behind).
 */
export function useScenarioUrl(pattern: PatternId, variants: readonly string[]) {
  const params = useSearchParams();
  const search = params.toString();
  const parsed = useMemo(
    () => parseScenarioQuery(pattern, readQuery(new URLSearchParams(search)), variants),
    [pattern, search, variants],
  );

  // Problems are those of the link the page was opened with; once the URL is rewritten to the
  // default they would vanish, so they are kept until dismissed.
  const [problems, setProblems] = useState<string[]>(() => parsed.problems);
  const step = parsed.step ?? 0;

  useEffect(() => {
    const canonical = toSearch(parsed.scenario, step);
    if (canonical !== window.location.search) {
      window.history.replaceState(window.history.state, '', canonical + window.location.hash);
    }
  }, [parsed.scenario, step]);

  const setStep = useCallback(
    (next: number) => {
      window.history.replaceState(window.history.state, '', toSearch(parsed.scenario, Math.max(0, next)));
    },
    [parsed.scenario],
  );

  const setScenario = useCallback(
    (next: Scenario, nextStep: number = step) => {
      window.history.pushState(window.history.state, '', toSearch(next, Math.max(0, nextStep)));
    },
    [step],
  );

  const dismissProblems = useCallback(() => setProblems([]), []);

  return { scenario: parsed.scenario, step, setStep, setScenario, problems, dismissProblems };
}
