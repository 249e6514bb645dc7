import { describe, expect, it } from 'vitest';
import { formatFault } from '../../kernel/scenario';
import type { RunResult } from '../../kernel/types';
import { cachedVersion, lastView, postgresVersion } from '../../testing/cache-views';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { faultsShowing, useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as cacheSet } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of cache-set this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, cacheSet);
const setLab = () => lab(postgres.db, 'cache-set');

describe('cache-set', () => {
  it('without faults, every write is followed by its SET and the cache ends on the last version', async () => {
    const result = await setLab().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(postgresVersion(result)).toBe(3);
    expect(cachedVersion(result)).toBe(3);
    // The first read misses and fills; every later read is a hit on the version just written.
    expect(lastView(result, 'reader GETs').rows.map((r) => r.answer)).toEqual(['miss', 'hit: version 2', 'hit: version 3', 'hit: version 3']);
    expect(result.trace.filter((e) => e.kind === 'cache').map((e) => e.label.split(' ').slice(0, 2).join(' '))).toEqual([
      'GET order:1',
      'SET order:1',
      'SET order:1',
      'GET order:1',
      'SET order:1',
      'GET order:1',
      'GET order:1',
    ]);
  });

  it('a SET the cache refuses leaves the previous version until the TTL ends', async () => {
    const result = await setLab().fault('cache-unavailable', 'service-2.cache-set:1').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['stale-cache', 'order 1']]);
    const stale = result.outcome.anomalies[0]!;
    // The first writer's SET of version 2 is still there; Postgres has the second writer's version 3.
    const set = result.trace.find((e) => e.kind === 'cache' && e.from === 'service' && e.label.startsWith('SET'))!;
    // The read at t=200 got version 2 while it was current; the two after the second commit did not.
    const commit = result.steps.find((s) => s.point === 'service-2.update-order:1')!;
    const staleReads = result.steps.filter((s) => s.operation === 'lookup' && s.index > commit.index);
    expect(staleReads.map((s) => s.t)).toEqual([400, 2500]);
    expect(stale.evidence).toEqual([
      ...staleReads.map((read) => ({
        ref: `read of order:1 at step ${read.index} (t=${read.t} ms)`,
        detail: `the reader was served version 2; Postgres had held version 3 since step ${commit.index}`,
      })),
      { ref: 'cache order:1', detail: `holds version 2 at the end, set by the service at t=${set.t} ms, alive until t=${set.t + 30_000} ms` },
      { ref: 'postgres order 1', detail: 'version 3' },
    ]);
    expect(stale.why).toMatch(/cache refuses the second writer's SET of order 1/);
    expect(result.trace.some((e) => e.label === 'cache unavailable: connection pool exhausted')).toBe(true);
  });

  it('a refused SET healed by the next write still left a read served stale in between', async () => {
    // The first writer's SET fails; the read at t=200 gets version 1; the second writer's SET of version 3 heals the key.
    const result = await setLab().fault('cache-unavailable', 'service.cache-set:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([3, 3]);
    const read = result.steps.find((s) => s.point === 'reader.lookup:2')!;
    expect(result.outcome.anomalies[0]!.evidence).toEqual([
      { ref: `read of order:1 at step ${read.index} (t=200 ms)`, detail: `the reader was served version 1; Postgres had held version 2 since step ${read.index - 2}` },
    ]);
    expect(result.outcome.anomalies[0]!.why).toMatch(/a later write healed the key/);
  });

  it('a crash between the commit and the SET leaves the cached version behind', async () => {
    const result = await setLab().crash('service-2.cache-set:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([2, 3]);
    expect(result.outcome.anomalies[0]!.why).toMatch(/second writer crashes before caching version 3 of order 1/);
  });

  it('a commit the writer never hears about is never followed by a SET', async () => {
    const result = await setLab().fault('commit-unknown', 'service-2.update-order:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([2, 3]);
  });

  it('two writers whose SETs land in the other order leave the older version in the cache', async () => {
    const result = await setLab().fault('pause', 'service.cache-set:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    // Commits in order 2 then 3; SETs in order 3 then 2.
    const actorsOf = (operation: string) => result.steps.filter((s) => s.operation === operation && !s.struck).map((s) => s.actor);
    expect(actorsOf('update-order')).toEqual(['service', 'service-2']);
    expect(actorsOf('cache-set')).toEqual(['service-2', 'service']);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([2, 3]);
    // The last reader is served the older version.
    expect(lastView(result, 'reader GETs').rows.at(-1)!.answer).toBe('hit: version 2');
    expect(result.outcome.anomalies[0]!.why).toMatch(/writer freezes for 2 s before caching version 2 of order 1/);
  });

  it('a reader that fills with an old row after the writes leaves it there too', async () => {
    const result = await setLab().fault('pause', 'reader.fill:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([1, 3]);
  });

  it('under any single fault the only anomaly is a stale cache, and only these faults cause it', async () => {
    const explored = { runs: exploration.explored.runs.filter((r) => r.variant === 'default') };
    const seen = new Set(explored.runs.flatMap((r) => r.anomalies));
    expect([...seen]).toEqual(['stale-cache']);
    expect(explored.runs.find((r) => r.faults.length === 0)!.anomalies).toEqual([]);
    const stale = explored.runs.filter((r) => !r.idempotentConsumer && r.anomalies.length > 0).map((r) => r.faults.map(formatFault).join());
    // Any fault between a commit and its SET serves the next read stale, whoever the writer.
    expect(stale.sort()).toEqual([
      'cache-unavailable@service-2.cache-set:1',
      'cache-unavailable@service.cache-set:1',
      'commit-unknown@service-2.update-order:1',
      'commit-unknown@service.update-order:1',
      'crash@service-2.cache-set:1',
      'crash@service.cache-set:1',
      'pause@reader.fill:1',
      'pause@service-2.cache-set:1',
      'pause@service.cache-set:1',
    ]);
    // There is no consumer: the idempotency switch changes nothing.
    const key = (r: (typeof explored.runs)[number]) => r.faults.map(formatFault).join();
    const on = new Map(explored.runs.filter((r) => r.idempotentConsumer).map((r) => [key(r), r.anomalies]));
    for (const off of explored.runs.filter((r) => !r.idempotentConsumer)) expect(on.get(key(off)), key(off)).toEqual(off.anomalies);
  });

  it('replays byte for byte from the same seed', async () => {
    const first = await setLab().seed(7).fault('pause', 'service.cache-set:1').run();
    const second = await setLab().seed(7).fault('pause', 'service.cache-set:1').run();
    expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
    expect(JSON.stringify(second.steps)).toBe(JSON.stringify(first.steps));
  });
});

describe('cache-set, versioned-set: compare-and-set on the version', () => {
  const versioned = () => setLab().variant('versioned-set');

  it('without faults, ends as the plain SET does, each SET answered by the script', async () => {
    const result = await versioned().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([3, 3]);
    expect(result.trace.filter((e) => e.kind === 'cache' && e.label.startsWith('EVAL')).map((e) => e.label)).toEqual([
      'EVAL set-if-newer order:1 v1 EX 30',
      'EVAL set-if-newer order:1 v2 EX 30',
      'EVAL set-if-newer order:1 v3 EX 30',
    ]);
  });

  it('SETs landing in the other order no longer leave the older version: the late one is dropped', async () => {
    const result = await versioned().fault('pause', 'service.cache-set:1').run({ captureSnapshots: true });
    // Reads during the pause still get the old value (the window between commit and SET stays)…
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    // …but the cache ends on Postgres's version, and the last read with it.
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([3, 3]);
    expect(lastView(result, 'reader GETs').rows.at(-1)!.answer).toBe('hit: version 3');
    expect(result.trace.some((e) => e.from === 'cache' && e.label === '(integer) 0: holds v3, kept')).toBe(true);
    expect(result.steps.map((s) => s.caption)).toContain("The cache keeps version 3; the writer's older version 2 is dropped.");
  });

  it("a reader's late fill with an old row is refused, so the fill race is closed", async () => {
    const result = await versioned().fault('pause', 'reader.fill:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([3, 3]);
  });

  it('a SET that never runs still leaves the old version, as with a plain SET', async () => {
    const result = await versioned().crash('service-2.cache-set:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([2, 3]);
  });

  it('across every single fault it closes exactly the races of order, not those of a missing SET', () => {
    const staleUnder = (variant: string) => faultsShowing(exploration.explored, variant, 'stale-cache');
    const plain = staleUnder('default');
    const guarded = staleUnder('versioned-set');
    expect(plain.filter((f) => !guarded.includes(f))).toEqual(['pause@reader.fill:1']);
    expect(guarded.filter((f) => !plain.includes(f))).toEqual([]);
  });
});

describeExplorationClaims(exploration, anomalyProfile);
