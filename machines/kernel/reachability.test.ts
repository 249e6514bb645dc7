/**
 * Every statechart state is reached by some explored run: each pattern's test file checks that
 * with its one exploration (`describeExplorationClaims` in machines/testing/explored-claims.ts),
 * from the states the runs' steps recorded. This file checks the instruments that claim rests on,
 * without running anything: that every state is listed (nested ones, every variant's machines,
 * the client's), that recorded states read back as the same paths, and that a state no run
 * visited is reported.
 */
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { PATTERNS } from '../patterns/index';
import { unreachedStates } from '../testing/explored-claims';
import { visitedKey, type StepObservations } from '../testing/exploration';
import { definedStatePaths, initialStatePaths, recordedStatePaths, runnableProcesses, statechartShape } from '../testing/statechart-states';

const nested = createMachine({
  id: 'nested',
  initial: 'idle',
  states: {
    idle: { on: { GO: 'running' } },
    running: {
      initial: 'polling',
      states: { polling: { on: { FOUND: 'publishing' } }, publishing: {} },
      on: { STOP: 'stopped' },
    },
    watching: {
      type: 'parallel',
      states: { left: { initial: 'on', states: { on: {} } }, right: {} },
    },
    stopped: { type: 'final' },
  },
});

/** What an exploration would have seen if its runs visited exactly these states. */
function observedVisiting(visit: (key: string, states: string[]) => string[]): StepObservations {
  const visited = new Map<string, Set<string>>();
  for (const { variant, idempotentConsumer, spec } of runnableProcesses(PATTERNS['outbox-polling'])) {
    const key = visitedKey(variant, idempotentConsumer, spec.id);
    visited.set(key, new Set(visit(key, definedStatePaths(spec.machine))));
  }
  return { steps: 1, visited, longCaptions: new Map() };
}

describe('the instruments of the reachability claim', () => {
  it('lists every state of a statechart, nested and parallel ones too', () => {
    expect(definedStatePaths(nested)).toEqual(['idle', 'running', 'running.polling', 'running.publishing', 'watching', 'watching.left', 'watching.left.on', 'watching.right', 'stopped']);
  });

  it('reads a recorded state, a name or the JSON of a nested value, as the states it is in', () => {
    expect(recordedStatePaths('idle')).toEqual(['idle']);
    expect(recordedStatePaths(JSON.stringify({ running: 'publishing' }))).toEqual(['running', 'running.publishing']);
    expect(recordedStatePaths(JSON.stringify({ watching: { left: 'on', right: {} } }))).toEqual(['watching', 'watching.left', 'watching.left.on', 'watching.right']);
  });

  it('counts the states a process starts in, which no step records, even one it only passes through', () => {
    const [client] = runnableProcesses(PATTERNS['naive-db-first']);
    expect(client!.spec.id).toBe('client');
    expect(initialStatePaths(client!.spec)).toEqual(['sending']);
    const store = runnableProcesses(PATTERNS['persistent-subscription']).find((p) => p.spec.id === 'event-store')!;
    // `deciding` picks the first job and never holds: the store rests in `loading` before its first step.
    expect(initialStatePaths(store.spec)).toEqual(['deciding', 'loading']);
    expect(initialStatePaths({ id: 'nested', machine: nested, operations: {} })).toEqual(['idle']);
  });

  it('tells statecharts apart by shape, not by the object a pattern happened to build', () => {
    const shapes = (id: 'outbox-polling' | 'outbox-cdc', actor: string) =>
      new Map(runnableProcesses(PATTERNS[id]).filter((p) => p.spec.id === actor && !p.idempotentConsumer).map((p) => [p.variant, statechartShape(p.spec.machine)]));
    const connectors = shapes('outbox-cdc', 'connector');
    // Rebuilt per call, yet the same statechart; with heartbeats it has a state the others lack.
    expect(connectors.get('delete-after-insert')).toBe(connectors.get('default'));
    expect(connectors.get('heartbeat')).not.toBe(connectors.get('default'));
    const relays = shapes('outbox-polling', 'relay');
    expect(relays.get('competing-relays')).not.toBe(relays.get('default'));
  });

  it('covers every variant, both switch positions, and the client', () => {
    const processes = runnableProcesses(PATTERNS['outbox-polling']);
    const keys = new Set(processes.map((p) => visitedKey(p.variant, p.idempotentConsumer, p.spec.id)));
    for (const variant of ['default', 'id-cursor', 'competing-relays']) {
      for (const idempotent of [false, true]) for (const actor of ['client', 'service', 'relay', 'consumer']) expect(keys).toContain(visitedKey(variant, idempotent, actor));
    }
    // The second relay runs in one variant only, and its machine's states are checked there.
    expect([...keys].filter((k) => k.endsWith(' relay-2'))).toEqual([visitedKey('competing-relays', false, 'relay-2'), visitedKey('competing-relays', true, 'relay-2')]);
  });

  it('reports exactly the states no run visited, per variant and participant', () => {
    const outbox = PATTERNS['outbox-polling'];
    expect(unreachedStates(outbox, observedVisiting((_, states) => states))).toEqual([]);
    // Relay 2 never claims, switch off or on; relay 1 runs the same statechart but is another participant.
    const relay2 = [visitedKey('competing-relays', false, 'relay-2'), visitedKey('competing-relays', true, 'relay-2')];
    const unclaimed = observedVisiting((key, states) => (relay2.includes(key) ? states.filter((s) => s !== 'claiming') : states));
    expect(unreachedStates(outbox, unclaimed)).toEqual(['competing-relays relay-2: claiming']);
  });

  it('counts a state reached when a run of another variant running the same statechart was in it', () => {
    const outbox = PATTERNS['outbox-polling'];
    const defaultConsumer = [visitedKey('default', false, 'consumer'), visitedKey('default', true, 'consumer')];
    const applyingElsewhere = observedVisiting((key, states) => (defaultConsumer.includes(key) ? states.filter((s) => s !== 'applying') : states));
    expect(unreachedStates(outbox, applyingElsewhere)).toEqual([]);
    const applyingNowhere = observedVisiting((key, states) => (key.endsWith(' consumer') ? states.filter((s) => s !== 'applying') : states));
    expect(unreachedStates(outbox, applyingNowhere)).toEqual(['default consumer: applying', 'id-cursor consumer: applying', 'competing-relays consumer: applying', 'auto-commit consumer: applying', 'notify consumer: applying']);
  });

  it('finds every machine of every pattern with states to reach, its start among them', () => {
    for (const pattern of Object.values(PATTERNS)) {
      for (const { variant, spec } of runnableProcesses(pattern)) {
        const defined = definedStatePaths(spec.machine);
        expect(defined.length, `${pattern.info.id} ${variant} ${spec.id}`).toBeGreaterThan(1);
        for (const state of initialStatePaths(spec)) expect(defined, `${pattern.info.id} ${variant} ${spec.id}`).toContain(state);
      }
    }
  });
});
