/** How two explorations are paired and what is reported of a disagreement: its first line on each side. */
import { describe, expect, it } from 'vitest';
import { compareExplorations, firstDifference, firstPointOfEachKind } from './crosscheck-diff';

describe('crosscheck comparison', () => {
  it('reports the first differing line of a run, named by its kind', () => {
    expect(firstDifference('k', ['trace #0 a', 'trace #1 b'], ['trace #0 a', 'trace #1 b'])).toBeNull();
    expect(firstDifference('k', ['trace #0 a', 'anomaly lost-event — order 1', 'outcome: x'], ['trace #0 a', 'outcome: y'])).toEqual({
      key: 'k',
      what: 'anomaly',
      pglite: 'anomaly lost-event — order 1',
      server: 'outcome: y',
    });
    expect(firstDifference('k', ['trace #0 a'], ['trace #0 a', 'trace #1 extra'])).toMatchObject({ what: 'trace line', pglite: '(nothing: its run ends here)', server: 'trace #1 extra' });
  });

  it('pairs runs by what they are, and counts a run only one side made as a disagreement', () => {
    const a = [{ key: 'x', lines: ['1'] }, { key: 'y', lines: ['2'] }, { key: 'only-pglite', lines: [] }];
    const b = [{ key: 'y', lines: ['2'] }, { key: 'x', lines: ['1*'] }, { key: 'only-server', lines: [] }];
    const compared = compareExplorations(a, b);
    expect(compared.total).toBe(4);
    expect(compared.agree).toBe(1);
    expect(compared.differences.map((d) => [d.key, d.what])).toEqual([['x', '1'], ['only-pglite', 'run'], ['only-server', 'run']]);
  });

  it('quick subset: every fault-free run, and per variant, order set and kind only the first point, idempotency off and on', () => {
    const only = firstPointOfEachKind();
    const run = (variant: string, at: string | null, kind = 'crash', idempotentConsumer = false) => ({ variant, orders: [0, 40], faults: at ? [{ kind: kind as 'crash', at }] : [], idempotentConsumer });
    expect(only(run('default', null))).toBe(true);
    expect(only(run('default', 'relay.mark:1'))).toBe(true);
    expect(only(run('default', 'relay.mark:1', 'crash', true))).toBe(true);
    expect(only(run('default', 'relay.publish:1'))).toBe(false);
    expect(only(run('default', 'relay.publish:1', 'pause'))).toBe(true);
    expect(only(run('heartbeat', 'relay.publish:1'))).toBe(true);
  });
});
