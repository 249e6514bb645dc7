import { describe, expect, it } from 'vitest';
import { parseFaultPoint } from './fault-point';
import { defaultScenario, parseScenarioQuery, scenarioToQuery } from './scenario';
import type { Scenario } from './types';

const variants = ['default'];

describe('scenario query', () => {
  it('round-trips a scenario through the query string', () => {
    const scenario: Scenario = {
      ...defaultScenario('outbox-polling'),
      seed: 42,
      idempotentConsumer: true,
      orders: [0, 15, 90],
      faults: [
        { kind: 'crash', at: 'relay.mark:1' },
        { kind: 'broker-unavailable', at: 'relay.publish:2' },
      ],
    };
    const query = scenarioToQuery(scenario, 7);
    const text = new URLSearchParams(query).toString();
    const parsed = parseScenarioQuery('outbox-polling', Object.fromEntries(new URLSearchParams(text)), variants);
    expect(parsed.problems).toEqual([]);
    expect(parsed.scenario).toEqual(scenario);
    expect(parsed.step).toBe(7);
  });

  it('leaves defaults out of the query', () => {
    expect(scenarioToQuery(defaultScenario('naive-db-first'))).toEqual({});
  });

  it('names every bad part and falls back to the default for it', () => {
    const parsed = parseScenarioQuery(
      'naive-db-first',
      { seed: 'abc', faults: 'crash@service.publish:1,explode@service.publish,crash@', idem: 'maybe', orders: '1,2,3,4,5,6,7', variant: 'x', step: '-1' },
      variants,
    );
    expect(parsed.scenario.seed).toBe(1);
    expect(parsed.scenario.faults).toEqual([{ kind: 'crash', at: 'service.publish:1' }]);
    expect(parsed.scenario.idempotentConsumer).toBe(false);
    expect(parsed.scenario.orders).toEqual([0, 40]);
    expect(parsed.step).toBeNull();
    const text = parsed.problems.join('\n');
    for (const fragment of ['seed "abc"', 'unknown fault kind "explode"', 'fault "crash@"', 'idem', 'orders', 'variant "x"', 'step "-1"']) {
      expect(text).toContain(fragment);
    }
  });

  it('reads a point without an occurrence as the first one', () => {
    expect(parseFaultPoint('relay.mark').canonical).toBe('relay.mark:1');
    expect(() => parseFaultPoint('relay')).toThrow(/not a fault point/);
    const parsed = parseScenarioQuery('outbox-polling', { faults: 'crash@relay.mark' }, variants);
    expect(parsed.scenario.faults).toEqual([{ kind: 'crash', at: 'relay.mark:1' }]);
  });

  it('rejects empty order times and malformed actor names without throwing', () => {
    const parsed = parseScenarioQuery('outbox-polling', { orders: '0,,5', faults: 'crash@-x.y,crash@a-.b' }, variants);
    expect(parsed.scenario.orders).toEqual([0, 40]);
    expect(parsed.scenario.faults).toEqual([]);
    const text = parsed.problems.join('\n');
    for (const fragment of ['orders "0,,5"', 'crash@-x.y', 'crash@a-.b']) expect(text).toContain(fragment);
  });

  it('keeps out script and oversized input', () => {
    const parsed = parseScenarioQuery('outbox-polling', { faults: '<script>alert(1)</script>', seed: '1e40', orders: '0,99999999' }, variants);
    expect(parsed.scenario).toEqual(defaultScenario('outbox-polling'));
    expect(parsed.problems).toHaveLength(3);
  });
});
