import { describe, expect, it } from 'vitest';
import type { ExploredCase, ShownAnomaly } from '../../machines/compare/types';
import { parseScenarioSearch } from '../../machines/kernel/scenario';
import { cellHash, cellRuns, parseCellHash } from './cell-runs';
import { labHref } from './lab-link';

function run(fault: string, off: ShownAnomaly[], on: ShownAnomaly[], settled = { off: true, on: true }): ExploredCase {
  return {
    fault,
    kind: 'crash',
    actor: 'relay',
    orders: [0, 40],
    struckStep: 9,
    struckCaption: 'The relay crashes.',
    off: { anomalies: off, settled: settled.off },
    on: { anomalies: on, settled: settled.on },
  };
}

const twice: ShownAnomaly = { id: 'duplicate-effect', subject: 'order 1', why: 'applied twice' };
const redelivered: ShownAnomaly = { id: 'duplicate-delivery', subject: 'order 1', why: 'delivered twice' };

describe('a matrix cell', () => {
  const cases = [
    run('crash@relay.mark:1', [twice, redelivered], [redelivered]),
    run('crash@relay.poll:1', [], []),
    run('pause@relay.mark:1', [redelivered], [redelivered], { off: true, on: false }),
  ];

  it('lists the runs that showed the anomaly, with the settings they showed it under', () => {
    const effect = cellRuns(cases, 'duplicate-effect');
    expect(effect.map((r) => [r.case.fault, r.settings])).toEqual([['crash@relay.mark:1', ['off']]]);
    expect(effect[0]?.shown).toEqual([twice]);
    const delivery = cellRuns(cases, 'duplicate-delivery');
    expect(delivery.map((r) => [r.case.fault, r.settings])).toEqual([
      ['crash@relay.mark:1', ['off', 'on']],
      ['pause@relay.mark:1', ['off', 'on']],
    ]);
    // The same subject and why under both settings is listed once.
    expect(delivery[0]?.shown).toEqual([redelivered]);
  });

  it('lists the runs that did not settle under the unsettled column', () => {
    expect(cellRuns(cases, 'unsettled').map((r) => [r.case.fault, r.settings, r.shown])).toEqual([['pause@relay.mark:1', ['on'], []]]);
  });

  it('round-trips through the URL hash, and a hash naming no row opens nothing', () => {
    const rows = [{ pattern: 'outbox-polling' as const, variant: 'default' }];
    const target = { pattern: 'outbox-polling' as const, variant: 'default', column: 'duplicate-effect' as const };
    expect(parseCellHash(cellHash(target), rows)).toEqual(target);
    expect(parseCellHash('#runs=outbox-polling/default/unsettled', rows)?.column).toBe('unsettled');
    expect(parseCellHash('#runs=outbox-polling/id-cursor/lost-event', rows)).toBeNull();
    expect(parseCellHash('#runs=outbox-polling/default/explode', rows)).toBeNull();
    expect(parseCellHash('#intro', rows)).toBeNull();
  });
});

describe('a lab link', () => {
  it('carries the scenario and the step, and the lab reads back the same scenario', () => {
    const href = labHref('outbox-polling', 7, { variant: 'id-cursor', orders: [0, 3000], faults: ['crash@relay.mark:1'], idempotentConsumer: true }, 9);
    expect(href.startsWith('/patterns/outbox-polling/?')).toBe(true);
    const parsed = parseScenarioSearch('outbox-polling', new URLSearchParams(href.split('?')[1]), ['default', 'id-cursor']);
    expect(parsed.problems).toEqual([]);
    expect(parsed.step).toBe(9);
    expect(parsed.scenario).toEqual({
      pattern: 'outbox-polling',
      variant: 'id-cursor',
      seed: 7,
      faults: [{ kind: 'crash', at: 'relay.mark:1' }],
      idempotentConsumer: true,
      orders: [0, 3000],
    });
  });

  it('leaves out what equals the default: a fault-free default run is the bare page', () => {
    expect(labHref('naive-db-first', 1, { variant: 'default', orders: [0, 40], faults: [], idempotentConsumer: false })).toBe('/patterns/naive-db-first/');
  });
});
