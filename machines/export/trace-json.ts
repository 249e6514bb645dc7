/** The run as JSON: enough to reproduce it (the scenario) and to read what happened without the lab. */
import type { RunResult } from '../kernel/types';

export function runToJson(result: RunResult): string {
  const { scenario, participants, steps, trace, outcome } = result;
  return JSON.stringify({ scenario, participants, steps, trace, outcome }, null, 2) + '\n';
}
