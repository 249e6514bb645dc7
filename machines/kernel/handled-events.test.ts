/**
 * Skipping a transition XState would make anyway is only sound if the event truly changes
 * nothing: for every process of every pattern and variant, an event its machine does not handle
 * leaves state and context exactly as they were.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { clientProcess } from '../actors/client';
import { PATTERNS } from '../patterns/index';
import { handlesEvent } from './handled-events';
import { defaultScenario } from './scenario';

const KERNEL_EVENTS = ['MESSAGES_AVAILABLE', 'ORDER_REQUESTED', 'CRASH', 'NOT_AN_EVENT_ANYONE_SENDS'];

describe('events a statechart does not handle', () => {
  for (const pattern of Object.values(PATTERNS)) {
    if (!pattern) continue;
    it(`${pattern.info.id}: change nothing in any process that does not handle them`, () => {
      let unhandled = 0;
      for (const variant of pattern.info.variants) {
        const scenario = { ...defaultScenario(pattern.info.id), variant: variant.id };
        for (const spec of [clientProcess(scenario.orders), ...pattern.processes(scenario)]) {
          const [start] = initialTransition(spec.machine, (spec as { input?: unknown }).input as never) as [AnyMachineSnapshot, unknown];
          for (const type of KERNEL_EVENTS) {
            if (handlesEvent(spec.machine, type)) continue;
            unhandled++;
            const [next] = transition(spec.machine, start, { type } as never) as [AnyMachineSnapshot, unknown];
            expect({ process: spec.id, type, value: next.value, context: next.context }).toEqual({ process: spec.id, type, value: start.value, context: start.context });
          }
        }
      }
      expect(unhandled).toBeGreaterThan(0);
    });
  }

  it('counts an event handled in any state, and every event where an eventless transition may see it', () => {
    const client = clientProcess([0, 40]).machine;
    // Handled only in `sending`, and counted as handled in `done` too: the skip is per machine.
    expect(handlesEvent(client, 'SENT')).toBe(true);
    expect(handlesEvent(client, 'MESSAGES_AVAILABLE')).toBe(false);
    // The order service's idle state has an eventless transition, whose guard is handed any event.
    const [service] = PATTERNS['naive-db-first'].processes(defaultScenario('naive-db-first'));
    expect(handlesEvent(service!.machine, 'NOT_AN_EVENT_ANYONE_SENDS')).toBe(true);
  });
});
