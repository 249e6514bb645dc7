import { describe, expect, it } from 'vitest';
import { formatFault } from '../../kernel/scenario';
import type { RunResult } from '../../kernel/types';
import { cachedVersion, postgresVersion, readerAnswers } from '../../testing/cache-views';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { faultsShowing, useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as cacheDelete } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of cache-delete this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, cacheDelete);
const deleteLab = () => lab(postgres.db, 'cache-delete');


describe('cache-delete', () => {
  it('without faults, each DEL turns the next read into a miss that reloads the new version', async () => {
    const result = await deleteLab().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([3, 3]);
    expect(readerAnswers(result)).toEqual(['miss', 'miss', 'miss', 'hit: version 3']);
    const dels = result.trace.filter((e) => e.kind === 'cache' && e.label === 'DEL order:1');
    expect(dels.map((e) => e.from)).toEqual(['service', 'service-2']);
    // Each DEL removed a key the reader had filled: Redis answers 1.
    expect(result.trace.filter((e) => e.from === 'cache' && e.label === '(integer) 1')).toHaveLength(2);
  });

  it('a DEL the cache refuses is not a miss: the old version stays until the TTL ends', async () => {
    const result = await deleteLab().fault('cache-unavailable', 'service-2.cache-delete:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['stale-cache', 'order 1']]);
    const stale = result.outcome.anomalies[0]!;
    // The reader filled version 2 between the writes; the second writer's DEL of it never happened.
    const fill = result.steps.find((s) => s.point === 'reader.fill:2')!;
    const commit = result.steps.find((s) => s.point === 'service-2.update-order:1')!;
    const staleReads = result.steps.filter((s) => s.operation === 'lookup' && s.index > commit.index);
    expect(stale.evidence).toEqual([
      ...staleReads.map((read) => ({
        ref: `read of order:1 at step ${read.index} (t=${read.t} ms)`,
        detail: `the reader was served version 2; Postgres had held version 3 since step ${commit.index}`,
      })),
      { ref: 'cache order:1', detail: `holds version 2 at the end, set by the reader at t=${fill.t} ms, alive until t=${fill.t + 30_000} ms` },
      { ref: 'postgres order 1', detail: 'version 3' },
    ]);
    expect(staleReads).toHaveLength(2);
    expect(stale.why).toMatch(/cache refuses the second writer's DEL of order 1/);
    expect(readerAnswers(result).slice(-2)).toEqual(['hit: version 2', 'hit: version 2']);
  });

  it('a crash between the commit and the DEL leaves the old version too', async () => {
    const result = await deleteLab().crash('service-2.cache-delete:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([2, 3]);
    expect(result.outcome.anomalies[0]!.why).toMatch(/second writer crashes before deleting order 1 from the cache/);
  });

  it('two writers whose DELs land in the other order leave no stale key (deletes commute), but a read during the delay was stale', async () => {
    const result = await deleteLab().fault('pause', 'service.cache-delete:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    const read = result.steps.find((s) => s.point === 'reader.lookup:2')!;
    const commit = result.steps.find((s) => s.point === 'service.update-order:1')!;
    expect(result.outcome.anomalies[0]!.evidence).toEqual([
      { ref: `read of order:1 at step ${read.index} (t=${read.t} ms)`, detail: `the reader was served version 1; Postgres had held version 2 since step ${commit.index}` },
    ]);
    const actorsOf = (operation: string) => result.steps.filter((s) => s.operation === operation && !s.struck).map((s) => s.actor);
    expect(actorsOf('update-order')).toEqual(['service', 'service-2']);
    expect(actorsOf('cache-delete')).toEqual(['service-2', 'service']);
    // While the first writer is frozen, the reader is served version 1 (a stale read an
    // end-of-run check cannot see); after the second DEL, reads reload from Postgres.
    expect(readerAnswers(result)).toEqual(['miss', 'hit: version 1', 'miss', 'miss']);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([3, 3]);
  });

  it('delete is not always safe: a reader that read the old row fills the cache after the DELs', async () => {
    const result = await deleteLab().fault('pause', 'reader.fill:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    // The reader read version 1 at the start, froze, and both writers deleted an absent key meanwhile.
    const dels = result.trace.filter((e) => e.from === 'cache' && e.label === '(integer) 0');
    expect(dels).toHaveLength(2);
    const fill = result.steps.find((s) => s.point === 'reader.fill:1' && !s.struck)!;
    const lastDel = result.steps.filter((s) => s.operation === 'cache-delete').at(-1)!;
    expect(fill.t).toBeGreaterThan(lastDel.t);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([1, 3]);
    const stale = result.outcome.anomalies[0]!;
    // Every read after the late fill (the frozen reader's queued reads, then the last) is a hit on version 1.
    const reads = stale.evidence.filter((e) => e.ref.startsWith('read of order:1'));
    expect(reads).toHaveLength(3);
    for (const read of reads) expect(read.detail).toMatch(/^the reader was served version 1; Postgres had held version 3 since step \d+$/);
    expect(stale.why).toMatch(/reader freezes for 2 s before caching version 1 of order 1/);
  });

  it('the same race with a read between the writes: the reader fills version 2 after the second DEL', async () => {
    const result = await deleteLab().fault('pause', 'reader.fill:2').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    expect([cachedVersion(result), postgresVersion(result)]).toEqual([2, 3]);
  });

  it('under any single fault the only anomaly is a stale cache, and only these faults cause it', async () => {
    const explored = { runs: exploration.explored.runs.filter((r) => r.variant === 'default') };
    const seen = new Set(explored.runs.flatMap((r) => r.anomalies));
    expect([...seen]).toEqual(['stale-cache']);
    expect(explored.runs.find((r) => r.faults.length === 0)!.anomalies).toEqual([]);
    const stale = explored.runs.filter((r) => !r.idempotentConsumer && r.anomalies.length > 0).map((r) => r.faults.map(formatFault).join());
    // Any fault between a commit and its DEL serves the next read stale, whoever the writer.
    expect(stale.sort()).toEqual([
      'cache-unavailable@service-2.cache-delete:1',
      'cache-unavailable@service.cache-delete:1',
      'commit-unknown@service-2.update-order:1',
      'commit-unknown@service.update-order:1',
      'crash@service-2.cache-delete:1',
      'crash@service.cache-delete:1',
      'pause@reader.fill:1',
      'pause@reader.fill:2',
      'pause@service-2.cache-delete:1',
      'pause@service.cache-delete:1',
    ]);
    const key = (r: (typeof explored.runs)[number]) => r.faults.map(formatFault).join();
    const on = new Map(explored.runs.filter((r) => r.idempotentConsumer).map((r) => [key(r), r.anomalies]));
    for (const off of explored.runs.filter((r) => !r.idempotentConsumer)) expect(on.get(key(off)), key(off)).toEqual(off.anomalies);
  });

  it('replays byte for byte from the same seed', async () => {
    const first = await deleteLab().seed(11).fault('pause', 'reader.fill:1').run();
    const second = await deleteLab().seed(11).fault('pause', 'reader.fill:1').run();
    expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
    expect(JSON.stringify(second.steps)).toBe(JSON.stringify(first.steps));
  });
});

describe('cache-delete, double-delete: delete, wait, delete again', () => {
  const twice = () => deleteLab().variant('double-delete');
  const dels = (result: RunResult) => result.trace.filter((e) => e.kind === 'cache' && e.label.startsWith('DEL')).map((e) => `${e.from} ${e.t}`);

  it('without faults, each writer deletes the key twice, the second time after the wait', async () => {
    const result = await twice().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const again = result.steps.filter((s) => s.operation === 'cache-delete-again');
    const first = result.steps.filter((s) => s.operation === 'cache-delete');
    expect(again.map((s) => s.actor)).toEqual(['service', 'service-2']);
    expect(again.map((s, i) => s.t - first[i]!.t)).toEqual([2200, 2200]);
    expect(dels(result)).toHaveLength(4);
  });

  it("removes a slow reader's old fill: the key heals after the wait instead of at the TTL", async () => {
    const plain = await deleteLab().fault('pause', 'reader.fill:1').run({ captureSnapshots: true });
    const result = await twice().fault('pause', 'reader.fill:1').run({ captureSnapshots: true });
    // The plain DELs came before the fill: the old version stays to the end.
    expect([cachedVersion(plain), postgresVersion(plain)]).toEqual([1, 3]);
    // The second DELs come after it: the last read misses and loads version 3.
    expect(readerAnswers(result).at(-1)).toBe('miss');
    expect(cachedVersion(result)).not.toBe(1);
    // Narrowed, not closed: reads between the fill and the second DEL were served version 1.
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    expect(result.outcome.anomalies[0]!.why).toMatch(/a later write healed the key/);
  });

  it('a DEL that never runs, first or second, still leaves the old version until the next one', async () => {
    const result = await twice().crash('service-2.cache-delete:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['stale-cache']);
    expect(result.steps.filter((s) => s.operation === 'cache-delete-again').map((s) => s.actor)).toEqual(['service']);
  });

  it('across every single fault it changes no verdict: each stale run of the plain DEL is stale here too', () => {
    const staleUnder = (variant: string) => faultsShowing(exploration.explored, variant, 'stale-cache');
    expect(staleUnder('double-delete')).toEqual(staleUnder('default'));
  });
});

describe('cache-delete, fills under a lease', () => {
  const leased = () => deleteLab().variant('lease');

  it('refuses the slow reader\'s fill: the DEL after the commit invalidated its lease', async () => {
    const result = await leased().fault('pause', 'reader.fill:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const labels = result.trace.filter((e) => e.kind === 'cache' || e.from === 'cache').map((e) => e.label);
    expect(labels).toContain('(nil), lease 1');
    expect(labels).toContain('(integer) 0, lease invalidated');
    expect(labels).toContain('NOT_STORED: lease 1 invalidated');
    // The same pause without leases puts version 1 back.
    expect(await deleteLab().fault('pause', 'reader.fill:1').anomalies()).toEqual(['stale-cache']);
  });

  it('does nothing for a DEL that never runs', async () => {
    expect(await leased().crash('service.cache-delete:1').anomalies()).toEqual(['stale-cache']);
  });

  it('across every single fault, closes exactly the slow fills and nothing else', () => {
    const staleUnder = (variant: string) => faultsShowing(exploration.explored, variant, 'stale-cache');
    const closed = staleUnder('default').filter((f) => !staleUnder('lease').includes(f));
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((f) => f.startsWith('pause@reader.fill'))).toBe(true);
    expect(staleUnder('lease').every((f) => staleUnder('default').includes(f))).toBe(true);
  });
});

describeExplorationClaims(exploration, anomalyProfile);
