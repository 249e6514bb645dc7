import { describe, expect, it } from 'vitest';
import { loadClaims } from '../../scripts/compare/content';
import { ANOMALY_IDS } from '../kernel/vocabulary';
import { compareAgreement } from './agreement';
import { ClaimError, judgeClaims, parseClaims } from './claims';
import { compareCsv } from './csv';
import type { CaseVerdict, CompareData, CompareRow, ExploredCase, PatternCases } from './types';

const none: CaseVerdict = { anomalies: [], settled: true };
const lost: CaseVerdict = { anomalies: [{ id: 'lost-event', subject: 'order 1', why: 'Order 1 is committed but never shipped.' }], settled: true };

function aCase(fault: string, off: CaseVerdict, on: CaseVerdict = off): ExploredCase {
  const [kind, at] = fault.split('@') as [ExploredCase['kind'], string];
  return { fault, kind, actor: at.split('.')[0]!, orders: [0, 40], struckStep: 4, struckCaption: 'x', off, on };
}

function aRow(pattern: CompareRow['pattern'], variant: string, median: number | null): CompareRow {
  const anomalies = Object.fromEntries(ANOMALY_IDS.map((id) => [id, { off: 0, on: 0 }])) as CompareRow['anomalies'];
  return {
    pattern,
    variant,
    title: pattern,
    variantLabel: variant,
    hasConsumer: true,
    runs: 1,
    anomalies,
    unsettled: { off: 0, on: 0 },
    byFaultKind: {},
    worst: { off: 'none', on: 'none' },
    traits: { needsIdempotentConsumer: false, orderJudged: true, orderPerKey: true, blocks: false, losesOrInvents: false },
    measures: {
      simulated: true,
      run: { variant, orders: [0, 40, 80], faults: [], idempotentConsumer: false, step: null },
      runIdempotent: null,
      effect: 'shipment',
      commitToEffectMs: median === null ? null : { median, max: median, samples: 3 },
      statementsPerOrder: { off: 6, on: 7 },
      roundTripsPerOrder: { off: 2, on: 2 },
      growingTables: [],
      participants: 5,
      extraInfrastructure: [],
      readYourWrites: true,
    },
  };
}

const claim = (about: object, extra: object = {}) => ({ claims: [{ id: 'c', source: 's', claim: 'It cannot lose.', pattern: 'outbox-polling', about, ...extra }] });

describe('claims', () => {
  it('the seed claims in content/ parse', () => {
    expect(loadClaims().length).toBeGreaterThanOrEqual(7);
  });

  it('refuses a malformed claims file, naming the field', () => {
    expect(() => parseClaims(claim({ kind: 'cannot-happen', cannot: ['lost'] }))).toThrow(/claims\.0\.about\.cannot\.0/);
    expect(() => parseClaims({ claims: [{ ...claim({ kind: 'cannot-happen', cannot: ['lost-event'] }).claims[0], pattern: 'outbox' }] })).toThrow(/claims\.0\.pattern/);
    expect(() => parseClaims(claim({ kind: 'cannot-happen', cannot: ['lost-event'] }, { verdict: 'holds' }))).toThrow(ClaimError);
    expect(() => parseClaims(claim({ kind: 'cannot-happen', cannot: ['lost-event'], faultKinds: ['meteor'] }))).toThrow(/faultKinds/);
    const twice = claim({ kind: 'cannot-happen', cannot: ['lost-event'] });
    expect(() => parseClaims({ claims: [...twice.claims, ...twice.claims] })).toThrow(/appears twice/);
    expect(() => parseClaims({})).toThrow(/claims/);
  });

  it('holds when no run in its scope shows what it rules out, and names the run that refutes it otherwise', () => {
    const cases: PatternCases[] = [{ pattern: 'outbox-polling', variants: { default: [aCase('crash@relay.mark:1', none), aCase('crash@service.write-order:1', lost)] } }];
    const rows = [aRow('outbox-polling', 'default', 400)];
    const relayOnly = parseClaims(claim({ kind: 'cannot-happen', actors: ['relay'], cannot: ['lost-event'] }));
    expect(judgeClaims(relayOnly, rows, cases)[0]!.verdict).toEqual({ basis: 'runs', holds: true, checkedRuns: 2 });
    const anyone = parseClaims(claim({ kind: 'cannot-happen', cannot: ['lost-event'] }));
    const [judged] = judgeClaims(anyone, rows, cases);
    expect(judged!.verdict).toMatchObject({ holds: false, refutedBy: { pattern: 'outbox-polling', faults: ['crash@service.write-order:1'], idempotentConsumer: false, step: 4, anomaly: 'lost-event' } });
    expect(judged!.scope).toMatch(/every kind of single fault/);
    // Only with the switch on: the off run is out of scope.
    const onOnly = parseClaims(claim({ kind: 'cannot-happen', idempotent: 'on', cannot: ['lost-event'] }));
    const offOnlyLoss: PatternCases[] = [{ pattern: 'outbox-polling', variants: { default: [aCase('crash@relay.mark:1', lost, none)] } }];
    expect(judgeClaims(onOnly, rows, offOnlyLoss)[0]!.verdict.holds).toBe(true);
  });

  it('a claim about runs that do not exist is an error, not a verdict', () => {
    const cases: PatternCases[] = [{ pattern: 'outbox-polling', variants: { default: [aCase('crash@relay.mark:1', none)] } }];
    const nobody = parseClaims(claim({ kind: 'cannot-happen', actors: ['coordinator'], cannot: ['lost-event'] }));
    expect(() => judgeClaims(nobody, [aRow('outbox-polling', 'default', 1)], cases)).toThrow(/about no run/);
  });

  it('judges "faster than" from the measured medians', () => {
    const rows = [aRow('outbox-polling', 'default', 400), aRow('outbox-cdc', 'default', 50)];
    const faster = (pattern: string) => parseClaims({ claims: [{ id: 'f', source: 's', claim: 'Faster.', pattern, about: { kind: 'faster-than', than: { pattern: pattern === 'outbox-cdc' ? 'outbox-polling' : 'outbox-cdc' } } }] });
    expect(judgeClaims(faster('outbox-cdc'), rows, [])[0]!.verdict.holds).toBe(true);
    expect(judgeClaims(faster('outbox-polling'), rows, [])[0]!.verdict).toMatchObject({ holds: false, refutedBy: { detail: expect.stringMatching(/400 ms \(simulated\) against 50 ms/) } });
  });
});

describe('the index claim', () => {
  const run = (scan: string, ms: number, rowsRead: number) => ({ scan, planPath: [scan], indexName: null, executionMs: ms, executionSamplesMs: [ms], roundTripMs: ms, rowsRead, rowsReturned: 10, sharedBlocks: 1 });
  const withPoll = (ratio: number) => {
    const row = aRow('outbox-polling', 'default', 400);
    const size = (rows: number) => ({ rows, tablePages: 1, withoutIndex: run('Seq Scan', 0.1 * ratio, rows), withIndex: run('Index Scan', 0.1, 10) });
    row.measures.atScale = { where: 'node', measuredAt: 'now', postgres: { version: '17', fullPageWrites: 'off', walLevel: 'replica', blockSize: 8192 }, poll: { query: 'q', limit: 10, index: 'i', unpublishedRows: 10, repetitions: 5, sizes: [size(100), size(1000)] } };
    return row;
  };
  const index = parseClaims(claim({ kind: 'index-needed', rows: 500, factor: 2 }));

  it('is judged from the poll measured at the first size past its threshold', () => {
    expect(judgeClaims(index, [withPoll(3)], [])[0]!.verdict).toMatchObject({ basis: 'measure', holds: true, where: 'node' });
    expect(judgeClaims(index, [withPoll(1.2)], [])[0]!.verdict).toMatchObject({ basis: 'measure', holds: false });
  });

  it('cannot be judged without figures at scale', () => {
    expect(() => judgeClaims(index, [aRow('outbox-polling', 'default', 400)], [])).toThrow(/no poll measured at scale/);
  });
});

describe('exports', () => {
  const data: CompareData = { format: 1, seed: 1, orderSets: [[0, 40]], rows: [aRow('outbox-polling', 'default', 400)], claims: [], scale: null };

  it('writes one CSV line per row, quoting what a spreadsheet would misread', () => {
    const row = aRow('outbox-polling', 'default', 400);
    row.measures.extraInfrastructure = ['=HYPERLINK("x")', 'Relay, the second'];
    const csv = compareCsv({ ...data, rows: [row] }).trimEnd().split('\r\n');
    expect(csv).toHaveLength(2);
    expect(csv[0]!.split(',').length).toBe(3 + ANOMALY_IDS.length * 2 + 12);
    expect(csv[1]).toContain(`"'=HYPERLINK(""x""); Relay, the second"`);
    expect(csv[1]!.startsWith('outbox-polling,default,1,0,0')).toBe(true);
  });

  it('tells a re-run that agrees from one that does not, saying where', () => {
    expect(compareAgreement(data, data).agree).toBe(true);
    const other = aRow('outbox-polling', 'default', 400);
    other.anomalies['duplicate-effect'] = { off: 3, on: 0 };
    const verdict = compareAgreement(data, { ...data, rows: [other] });
    expect(verdict.agree).toBe(false);
    expect(verdict.differences).toEqual(['outbox-polling/default duplicate-effect off: 0 built, 3 re-run']);
  });
});
