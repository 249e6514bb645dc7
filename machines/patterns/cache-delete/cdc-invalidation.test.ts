/**
 * cache-delete's cdc-invalidation on real PGlite: the writers only commit, the CDC connector reads
 * their UPDATEs from the WAL, and the invalidator DELs the key. Its anomaly profile under every
 * single fault is checked with the other variants' in cache-delete.test.ts; this file shows which
 * race it closes and which it leaves open, comparing it with the plain DEL after commit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { explorePattern } from '../../kernel/explore';
import { formatFault } from '../../kernel/scenario';
import type { RunResult } from '../../kernel/types';
import { cachedVersion, readerAnswers } from '../../testing/cache-views';
import { lab } from '../../testing/lab-driver';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as cacheDelete } from './pattern';

const postgres = useLabPostgres();
const plain = () => lab(postgres.db, 'cache-delete');
const fromTheLog = () => lab(postgres.db, 'cache-delete').variant('cdc-invalidation');


/** The checker's verdict that the key is still stale when the run ends: every read until the TTL gets the old value. */
function staleForGood(result: RunResult): boolean {
  return result.outcome.anomalies.some((a) => a.id === 'stale-cache' && a.evidence.some((e) => e.ref === 'cache order:1'));
}

/** When each stale read the checker found was served (simulated ms). */
function staleReadTimes(result: RunResult): number[] {
  return result.outcome.anomalies
    .flatMap((a) => a.evidence)
    .map((e) => /^read of order:1 at step \d+ \(t=(\d+) ms\)$/.exec(e.ref)?.[1])
    .filter((t): t is string => t !== undefined)
    .map(Number);
}

const cacheCalls = (result: RunResult, command: string) => result.trace.filter((e) => e.kind === 'cache' && e.label.startsWith(command));
const stepsOf = (result: RunResult, actor: string, operation: string) => result.steps.filter((s) => s.actor === actor && s.operation === operation && !s.struck);

describe('cache-delete, cdc-invalidation: the WAL deletes the key', () => {
  it('without faults, no writer touches the cache; the invalidator DELs a lag after each commit, and reads in the lag are stale', async () => {
    const result = await fromTheLog().run({ captureSnapshots: true });
    expect(cacheCalls(result, 'DEL').map((e) => e.from)).toEqual(['invalidator', 'invalidator']);
    const commits = [...stepsOf(result, 'service', 'update-order'), ...stepsOf(result, 'service-2', 'update-order')];
    const dels = stepsOf(result, 'invalidator', 'apply');
    expect(dels).toHaveLength(2);
    // Each commit waits for the connector's next poll, a publish and a fetch: longer than the
    // 100 ms after which the story's reader comes back, so that read gets the old version.
    const lags = commits.map((commit, i) => dels[i]!.t - commit.t);
    for (const lag of lags) expect(lag).toBeGreaterThan(100);
    expect(staleReadTimes(result)).toEqual([200, 400]);
    for (const [i, t] of staleReadTimes(result).entries()) expect(t > commits[i]!.t && t < dels[i]!.t).toBe(true);
    expect(readerAnswers(result)).toEqual(['miss', 'hit: version 1', 'hit: version 1', 'miss']);
    // Healed, not stuck: the last read reloads version 3 and the cache ends with it.
    expect(staleForGood(result)).toBe(false);
    expect(cachedVersion(result)).toBe(3);
  });

  it('closes the lost delete: a writer that errs after its commit has no DEL left to lose', async () => {
    const fault = ['commit-unknown', 'service-2.update-order:1'] as const;
    const withoutLog = await plain().fault(...fault).run({ captureSnapshots: true });
    expect(staleForGood(withoutLog)).toBe(true);
    expect(cachedVersion(withoutLog)).toBe(2);
    const result = await fromTheLog().fault(...fault).run({ captureSnapshots: true });
    expect(result.steps.some((s) => s.struck)).toBe(true);
    expect(result.steps.map((s) => s.caption)).toContain('The invalidator deletes order 1: the log has version 3.');
    expect(staleForGood(result)).toBe(false);
    expect(readerAnswers(result).at(-1)).toBe('miss');
    expect(cachedVersion(result)).toBe(3);
  });

  it('a DEL the cache refuses is fetched again and retried until the cache takes it', async () => {
    expect(staleForGood(await plain().fault('cache-unavailable', 'service-2.cache-delete:1').run())).toBe(true);
    const result = await fromTheLog().fault('cache-unavailable', 'invalidator.apply:1').run({ captureSnapshots: true });
    expect(cacheCalls(result, 'DEL').map((e) => `${e.from} ${e.ok ? 'ok' : 'refused'}`)).toEqual(['invalidator refused', 'invalidator ok', 'invalidator ok']);
    // The offset moves only after a DEL that landed: the refused one is read again from the broker.
    const invalidator = result.steps.filter((s) => s.actor === 'invalidator').map((s) => `${s.operation}${s.struck ? ' (refused)' : ''}`);
    expect(invalidator.slice(0, 4)).toEqual(['fetch', 'apply (refused)', 'fetch', 'apply']);
    expect(invalidator[4]).toBe('commit-offset');
    expect(staleForGood(result)).toBe(false);
    expect(cachedVersion(result)).toBe(3);
  });

  it.each(['connector.publish:1', 'connector.store-position:1', 'invalidator.apply:1', 'invalidator.commit-offset:1'])(
    'a crash at %s only delays the DEL: the change is read again after the restart',
    async (point) => {
      const result = await fromTheLog().crash(point).run({ captureSnapshots: true });
      expect(result.steps.some((s) => s.struck)).toBe(true);
      expect(staleForGood(result)).toBe(false);
      expect(cachedVersion(result)).toBe(3);
    },
  );

  it('leaves the lag open: an invalidator that stalls 2 s serves the read at 2.5 s stale as well', async () => {
    const result = await fromTheLog().fault('pause', 'invalidator.apply:1').run({ captureSnapshots: true });
    expect(staleReadTimes(result)).toEqual([200, 400, 2500]);
    expect(staleForGood(result)).toBe(false);
  });

  it('leaves the stale fill open: a reader that read version 1 fills it after the invalidator\'s DELs', async () => {
    const result = await fromTheLog().fault('pause', 'reader.fill:1').run({ captureSnapshots: true });
    const fill = stepsOf(result, 'reader', 'fill')[0]!;
    const lastDel = stepsOf(result, 'invalidator', 'apply').at(-1)!;
    expect(fill.t).toBeGreaterThan(lastDel.t);
    expect(staleForGood(result)).toBe(true);
    expect(cachedVersion(result)).toBe(1);
    // What closes this one is a lease the DEL invalidates, not where the DEL comes from.
    expect(await plain().variant('lease').fault('pause', 'reader.fill:1').anomalies()).toEqual([]);
  });

  it('replays byte for byte from the same seed', async () => {
    const first = await fromTheLog().seed(5).crash('connector.publish:2').run();
    const second = await fromTheLog().seed(5).crash('connector.publish:2').run();
    expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
  });
});

describe('cache-delete, cdc-invalidation, under every single fault', () => {
  /** Per variant, the single faults (idempotency off) after which the key stays stale to the end. */
  const stuck = new Map<string, string[]>();
  beforeAll(async () => {
    await explorePattern(postgres.db, cacheDelete, {
      only: (run) => !run.idempotentConsumer && (run.variant === 'default' || run.variant === 'cdc-invalidation'),
      onRun: (result, run) => {
        if (!staleForGood(result)) return;
        stuck.set(run.variant, [...(stuck.get(run.variant) ?? []), run.faults.map(formatFault).join() || 'no fault'].sort());
      },
    });
  }, 600_000);

  it('no fault leaves the key stale for good but a reader\'s late fill; with the plain DEL, a lost DEL after the last commit does', () => {
    expect(stuck.get('cdc-invalidation')).toEqual(['pause@reader.fill:1']);
    // The first writer's lost DEL is covered by the second writer's; nothing covers the second's.
    const writerFaults = (stuck.get('default') ?? []).filter((f) => /@service(-2)?\./.test(f));
    expect(writerFaults).toEqual([
      'cache-unavailable@service-2.cache-delete:1',
      'commit-unknown@service-2.update-order:1',
      'crash@service-2.cache-delete:1',
    ]);
  });
});
