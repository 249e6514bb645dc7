import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../kernel/scenario';
import { PATTERN_IDS } from '../kernel/vocabulary';
import { FAULT_TARGETS, faultTargetsOf } from './fault-targets';
import { PATTERNS } from './index';

/** What the kernel will name fault points after: every process of every variant, consumer idempotent or not. */
function targetsFromStatecharts(id: (typeof PATTERN_IDS)[number]): Record<string, string[]> {
  const pattern = PATTERNS[id];
  const targets = new Map<string, Set<string>>();
  for (const variant of pattern.info.variants) {
    for (const idempotentConsumer of [false, true]) {
      const scenario = { ...defaultScenario(id), variant: variant.id, idempotentConsumer };
      for (const spec of [pattern.client(scenario), ...pattern.processes(scenario)]) {
        const operations = targets.get(spec.id) ?? new Set<string>();
        for (const operation of Object.keys(spec.operations)) operations.add(operation);
        targets.set(spec.id, operations);
      }
    }
  }
  return Object.fromEntries([...targets].map(([actor, operations]) => [actor, [...operations].sort()]));
}

const sorted = (targets: Record<string, readonly string[]>) =>
  Object.fromEntries(Object.entries(targets).map(([actor, operations]) => [actor, [...operations].sort()]));

describe('fault targets', () => {
  it.each(PATTERN_IDS)('%s lists exactly the actors and operations of its statecharts', (id) => {
    expect(sorted(FAULT_TARGETS[id])).toEqual(targetsFromStatecharts(id));
  });

  it('finds nothing for ids that are Object.prototype members', () => {
    expect(faultTargetsOf('constructor')).toBeUndefined();
    expect(faultTargetsOf('naive-db-first')?.get('__proto__')).toBeUndefined();
    expect(faultTargetsOf('naive-db-first')?.get('service')).toContain('publish');
  });
});
