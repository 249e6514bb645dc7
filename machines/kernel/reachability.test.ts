import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { clientMachine } from '../actors/client';
import { faultSites, runScenario } from '../kernel/explore';
import { defaultScenario } from '../kernel/scenario';
import type { Scenario } from '../kernel/types';
import { PATTERNS } from '../patterns/index';
import { useLabPostgres } from '../testing/postgres';

const postgres = useLabPostgres();

function stateNames(machine: AnyStateMachine): string[] {
  return Object.keys(machine.root.states);
}

describe('every statechart state is reached by some single-fault run', () => {
  for (const pattern of Object.values(PATTERNS)) {
    it(pattern!.info.id, async () => {
      const base: Scenario = defaultScenario(pattern!.info.id);
      // Some states exist for a variant only (a connector's heartbeat): every variant's runs count.
      const scenarios: Scenario[] = [];
      for (const variant of pattern!.info.variants) {
        const variantBase: Scenario = { ...base, variant: variant.id };
        const clean = await runScenario(postgres.db, pattern!, variantBase);
        scenarios.push(variantBase);
        for (const site of faultSites(clean.steps)) for (const kind of site.kinds) scenarios.push({ ...variantBase, faults: [{ kind, at: site.point }] });
      }

      const visited = new Map<string, Set<string>>();
      for (const scenario of scenarios) {
        const result = await runScenario(postgres.db, pattern!, scenario);
        for (const step of result.steps) {
          for (const [actor, state] of Object.entries(step.states)) {
            if (!visited.has(actor)) visited.set(actor, new Set());
            visited.get(actor)!.add(state);
          }
        }
      }
      const machines: [string, AnyStateMachine][] = [
        ['client', clientMachine],
        ...pattern!.processes(base).map((p) => [p.id, p.machine] as [string, AnyStateMachine]),
      ];
      for (const [actor, machine] of machines) {
        const initial = Object.keys(machine.root.states)[0];
        const reached = visited.get(actor) ?? new Set();
        for (const state of stateNames(machine)) {
          // A state the machine starts in counts as reached even if no step ends in it.
          if (state === machine.root.initial?.target[0]?.key || state === initial) continue;
          expect([...reached], `${actor} never reaches ${state}`).toContain(state);
        }
      }
    });
  }
});
