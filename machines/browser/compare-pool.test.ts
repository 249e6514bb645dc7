/**
 * The re-run pool, with stand-in workers that answer as the real ones do: patterns go out heaviest
 * first to whichever worker is free, the parts come back in the order asked for, progress is
 * weighted, and a failure or a cancel stops every worker.
 */
import { describe, expect, it } from 'vitest';
import type { ComparedPattern } from '../compare/build';
import type { CompareData } from '../compare/types';
import type { PatternId } from '../kernel/vocabulary';
import { poolSize, runComparePool, type PoolWorker } from './compare-pool';
import type { CompareWorkerToPage, PageToCompareWorker } from './compare-protocol';

const part = (pattern: string) => ({ rows: [{ pattern }], cases: {} }) as unknown as ComparedPattern;

class FakeWorker implements PoolWorker {
  onmessage: ((event: { data: CompareWorkerToPage }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  readonly got: PageToCompareWorker[] = [];
  terminated = false;
  constructor(private readonly failOn?: string) {}
  postMessage(message: PageToCompareWorker): void {
    this.got.push(message);
    // Answers later, as a worker does; patterns named slow-* take longer.
    const answer = (data: CompareWorkerToPage, ms: number) => setTimeout(() => !this.terminated && this.onmessage?.({ data }), ms);
    if (message.type === 'compare-pattern') {
      if (message.pattern === this.failOn) return void answer({ type: 'failed', message: `no ${message.pattern}` }, 1);
      answer({ type: 'progress', pattern: message.pattern, done: 1, total: 2 }, 1);
      answer({ type: 'compared', pattern: message.pattern, compared: part(message.pattern) }, message.pattern.startsWith('slow') ? 20 : 5);
    } else {
      answer({ type: 'assembled', data: { rows: message.compared.flatMap((c) => c.rows) } as unknown as CompareData }, 1);
    }
  }
  terminate(): void {
    this.terminated = true;
  }
}

const ids = (...names: string[]) => names as PatternId[];

describe('the compare re-run pool', () => {
  it('hands out the heaviest first, keeps every worker busy, and assembles in the order asked for', async () => {
    const made: FakeWorker[] = [];
    const fractions: number[] = [];
    const weights: Record<string, number> = { a: 1, 'slow-b': 5, c: 3, d: 2 };
    const run = runComparePool({
      patterns: ids('a', 'slow-b', 'c', 'd'),
      weightOf: (p) => weights[p]!,
      workers: 2,
      createWorker: () => made[made.push(new FakeWorker()) - 1]!,
      onProgress: (_, fraction) => fractions.push(fraction),
    });
    const data = await run.done;
    expect((data.rows as unknown as { pattern: string }[]).map((r) => r.pattern)).toEqual(['a', 'slow-b', 'c', 'd']);
    expect(made).toHaveLength(2);
    const handed = made.map((w) => w.got.filter((m) => m.type === 'compare-pattern').map((m) => (m as { pattern: string }).pattern));
    expect(handed[0]![0]).toBe('slow-b');
    expect(handed[1]![0]).toBe('c');
    expect(handed.flat().sort()).toEqual(['a', 'c', 'd', 'slow-b']);
    expect(made.every((w) => w.terminated)).toBe(true);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!))).toBe(true);
  });

  it('fails as a whole when one pattern fails, and stops every worker', async () => {
    const made: FakeWorker[] = [];
    const run = runComparePool({
      patterns: ids('a', 'b', 'c'),
      weightOf: () => 1,
      workers: 2,
      createWorker: () => made[made.push(new FakeWorker('b')) - 1]!,
      onProgress: () => {},
    });
    await expect(run.done).rejects.toThrow('no b');
    expect(made.every((w) => w.terminated)).toBe(true);
  });

  it('cancels: every worker stops and the run says so', async () => {
    const made: FakeWorker[] = [];
    const run = runComparePool({ patterns: ids('slow-a', 'slow-b'), weightOf: () => 1, workers: 4, createWorker: () => made[made.push(new FakeWorker()) - 1]!, onProgress: () => {} });
    run.cancel();
    await expect(run.done).rejects.toThrow('cancelled');
    expect(made).toHaveLength(2);
    expect(made.every((w) => w.terminated)).toBe(true);
  });

  it('sizes the pool by cores, up to four, never past the patterns, and one when memory is short', () => {
    expect(poolSize(18, 2, undefined)).toBe(2);
    expect(poolSize(18, 16, 8)).toBe(4);
    expect(poolSize(1, 8, 8)).toBe(1);
    expect(poolSize(18, 8, 2)).toBe(1);
    expect(poolSize(18, undefined, undefined)).toBe(1);
  });
});
