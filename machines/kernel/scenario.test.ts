import { describe, expect, it } from 'vitest';
import { parseFaultPoint } from './fault-point';
import { faultTargetsOf } from '../patterns/fault-targets';
import { ECHO_MAX_CHARS } from './echo';
import { defaultScenario, parseScenarioQuery, parseScenarioSearch, scenarioToQuery } from './scenario';
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
    for (const fragment of ['seed must be', 'got "abc"', 'unknown fault kind "explode"', 'got "crash@"', 'idem must be on or off; got "maybe"', 'orders must be at most 6', 'variant must be one of default; got "x"', 'step must be', 'got "-1"']) {
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
    for (const fragment of ['got "0,,5"', 'got "crash@-x.y"', 'got "crash@a-.b"']) expect(text).toContain(fragment);
  });

  it('keeps out script and oversized input', () => {
    const parsed = parseScenarioQuery('outbox-polling', { faults: '<script>alert(1)</script>', seed: '1e40', orders: '0,99999999' }, variants);
    expect(parsed.scenario).toEqual(defaultScenario('outbox-polling'));
    expect(parsed.problems).toHaveLength(3);
  });

  // Number() reads all of these as numbers (16, 1000, 5, 5, 0, 5, 5): a link must mean what it says.
  it.each(['0x10', '1e3', '+5', ' 5', '5 ', '-0', '5.0', '05', '0b1', 'Infinity', '2147483648'])('refuses the seed %j and says what is accepted', (seed) => {
    const parsed = parseScenarioQuery('naive-db-first', { seed }, variants);
    expect(parsed.scenario.seed).toBe(1);
    expect(parsed.problems).toEqual([`seed must be a whole number written in decimal digits, from 0 to 2147483647, like 42; got ${JSON.stringify(seed)}`]);
  });

  it.each(['1e3', '0x10', '+5', '5.0', '010', '100001'])('refuses the step %j', (step) => {
    const parsed = parseScenarioQuery('naive-db-first', { step }, variants);
    expect(parsed.step).toBeNull();
    expect(parsed.problems).toEqual([expect.stringMatching(/^step must be a whole number written in decimal digits, from 0 to 100000.*; got "/)]);
  });

  it('accepts plain decimal numbers at both ends of their range', () => {
    const parsed = parseScenarioQuery('naive-db-first', { seed: '2147483647', step: '0', orders: '60000,0', faults: 'crash@service.publish:999' }, variants);
    expect(parsed.problems).toEqual([]);
    expect(parsed.scenario.seed).toBe(2 ** 31 - 1);
    expect(parsed.step).toBe(0);
    expect(parsed.scenario.orders).toEqual([0, 60000]);
    expect(parsed.scenario.faults).toEqual([{ kind: 'crash', at: 'service.publish:999' }]);
  });

  it.each(['1e3', '0x10', '+5', ' 5', '5.0', '007'])('refuses the order time %j', (time) => {
    const parsed = parseScenarioQuery('naive-db-first', { orders: `0,${time}` }, variants);
    expect(parsed.scenario.orders).toEqual([0, 40]);
    expect(parsed.problems).toEqual([expect.stringMatching(/^orders must be arrival times in whole milliseconds written in decimal digits/)]);
  });

  it.each(['0', '01', '0x1', '1e1', '+1', '1000', ''])('refuses the fault occurrence %j', (n) => {
    const parsed = parseScenarioQuery('naive-db-first', { faults: `crash@service.publish:${n}` }, variants);
    expect(parsed.scenario.faults).toEqual([]);
    expect(parsed.problems).toEqual([`fault "crash@service.publish:${n}" has occurrence "${n}"; n must be a whole number written in decimal digits, from 1 to 999`]);
  });

  it('reports an actor or operation the pattern does not have, when it knows the pattern\'s targets', () => {
    const targets = faultTargetsOf('naive-db-first');
    const faults = 'crash@relay.mark:1,crash@service.frobnicate,crash@constructor.publish,crash@service.publish:2';
    const parsed = parseScenarioQuery('naive-db-first', { faults }, variants, targets);
    expect(parsed.scenario.faults).toEqual([{ kind: 'crash', at: 'service.publish:2' }]);
    expect(parsed.problems).toEqual([
      'fault "crash@relay.mark:1" names no actor of naive-db-first (actors: client, service, consumer)',
      'fault "crash@service.frobnicate" names no operation of service (its operations: write-order, publish, restart)',
      'fault "crash@constructor.publish" names no actor of naive-db-first (actors: client, service, consumer)',
    ]);
  });

  it('reports fault kinds that are Object.prototype members as unknown', () => {
    const parsed = parseScenarioQuery('naive-db-first', { faults: 'constructor@service.publish,toString@service.publish' }, variants);
    expect(parsed.scenario.faults).toEqual([]);
    expect(parsed.problems.map((p) => p.split(' (known')[0])).toEqual([
      'fault "constructor@service.publish" has an unknown fault kind "constructor"',
      'fault "toString@service.publish" has an unknown fault kind "toString"',
    ]);
  });

  it('reports a variant named like an Object.prototype member as unknown', () => {
    const parsed = parseScenarioQuery('naive-db-first', { variant: 'constructor' }, variants);
    expect(parsed.scenario.variant).toBe('default');
    expect(parsed.problems).toEqual(['variant must be one of default; got "constructor"']);
  });

  it('reports unknown and repeated parameters of a link, and still reads the rest', () => {
    const search = new URLSearchParams('seed=7&utm_source=docs&__proto__=1&seed=8&faults=crash@service.publish:1');
    const parsed = parseScenarioSearch('naive-db-first', search, variants, faultTargetsOf('naive-db-first'));
    expect(parsed.scenario.seed).toBe(7);
    expect(parsed.scenario.faults).toEqual([{ kind: 'crash', at: 'service.publish:1' }]);
    // In the order the parameters first appear in the link.
    expect(parsed.problems).toEqual([
      'seed appears 2 times; used the first',
      'parameter "utm_source" is not one the lab reads (it reads seed, variant, faults, idem, orders, step); ignored it',
      'parameter "__proto__" is not one the lab reads (it reads seed, variant, faults, idem, orders, step); ignored it',
    ]);
  });

  it('escapes control characters and cuts long values in what it echoes', () => {
    const long = '9'.repeat(500);
    const parsed = parseScenarioSearch('naive-db-first', new URLSearchParams({ seed: `4\u001b[2J\n2`, step: long, ['x\ny']: '1' }), variants);
    const [param, seed, step] = parsed.problems;
    expect(param).toContain('parameter "x\\ny" is not one');
    expect(seed).toContain('got "4\\u001b[2J\\n2"');
    expect(step).toContain(`got "${'9'.repeat(ECHO_MAX_CHARS)}…"`);
    for (const problem of parsed.problems) expect(problem).not.toMatch(/[\u0000-\u001f]/);
  });
});
