/**
 * The kernel's transition on a scope made once per machine gives what XState's own pure
 * `transition` gives: every process machine of every pattern, driven through each event it handles.
 */
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import { PATTERNS } from '../patterns/index';
import { initialSnapshot, nextSnapshot } from './pure-transition';

const view = (s: AnyMachineSnapshot) => ({ value: s.value, context: s.context, status: s.status, tags: [...s.tags].sort() });

describe('the pure transition', () => {
  for (const [id, pattern] of Object.entries(PATTERNS)) {
    it(`${id}: the same snapshots as xstate's transition, event after event`, () => {
      const scenario = { pattern: pattern.info.id, variant: pattern.info.variants[0]!.id, seed: 1, faults: [], idempotentConsumer: false, orders: [0, 40] };
      for (const spec of [pattern.client(scenario), ...pattern.processes(scenario)]) {
        let theirs = initialTransition(spec.machine, spec.input as never)[0] as AnyMachineSnapshot;
        let mine = initialSnapshot(spec.machine, spec.input);
        expect(view(mine)).toEqual(view(theirs));
        // Every handled event, twice round, each with an empty payload: guards and assigns that
        // read a missing field must fail, or not, the same way on both paths.
        const types = spec.machine.root.events.filter((type: string) => type !== '*' && !type.endsWith('.*'));
        expect(types.length).toBeGreaterThan(0);
        for (const type of [...types, ...types]) {
          const event = { type };
          let theirError: unknown = null;
          let mineError: unknown = null;
          try { theirs = transition(spec.machine, theirs, event)[0] as AnyMachineSnapshot; } catch (e) { theirError = String(e); }
          try { mine = nextSnapshot(spec.machine, mine, event); } catch (e) { mineError = String(e); }
          expect(mineError).toEqual(theirError);
          expect(view(mine)).toEqual(view(theirs));
        }
      }
    });
  }
});
