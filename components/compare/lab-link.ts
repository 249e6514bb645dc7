/** Links from the comparison into the lab: the same query string a reader would copy from a lab page. */
import type { RunLink } from '../../machines/compare/types';
import { scenarioToQuery } from '../../machines/kernel/scenario';
import type { ArmedFault, Scenario } from '../../machines/kernel/types';
import { isFaultKind, type PatternId } from '../../machines/kernel/vocabulary';

/** `kind@actor.operation:n` back into the fault it was formatted from. */
export function parseFormattedFault(text: string): ArmedFault {
  const at = text.indexOf('@');
  const kind = text.slice(0, at);
  if (at <= 0 || !isFaultKind(kind)) throw new Error(`not a formatted fault: ${text}`);
  return { kind, at: text.slice(at + 1) };
}

export type LabRun = Pick<RunLink, 'variant' | 'orders' | 'faults' | 'idempotentConsumer'>;

/** The lab page for a run, opened at `step` (the first step when null). */
export function labHref(pattern: PatternId, seed: number, run: LabRun, step: number | null = null): string {
  const scenario: Scenario = {
    pattern,
    variant: run.variant,
    seed,
    faults: run.faults.map(parseFormattedFault),
    idempotentConsumer: run.idempotentConsumer,
    orders: [...run.orders],
  };
  const query = new URLSearchParams(scenarioToQuery(scenario, step)).toString();
  return `/patterns/${pattern}/${query ? `?${query}` : ''}`;
}
