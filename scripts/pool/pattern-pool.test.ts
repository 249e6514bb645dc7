import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import type { LabDatabase } from '../../machines/actors/postgres';
import { explorePattern } from '../../machines/kernel/explore';
import { getPattern } from '../../machines/patterns/index';
import { startLabPostgresInNode } from '../../machines/runtime/boot-image-node';
import { readExplorationRecord } from '../../machines/testing/exploration-record';
import { noObservations, observeRun } from '../../machines/testing/step-observations';
import { compareInPool, runInPool } from './pattern-pool';

let pg: PGlite;
let db: LabDatabase;
beforeAll(async () => ({ pg, db } = await startLabPostgresInNode()));
afterAll(() => pg.close());

describe('the pattern pool', () => {
  it('explores each pattern in a worker of its own to the same runs as one process does, in the order asked', async () => {
    const ids = ['naive-broker-first', 'naive-db-first'] as const;
    const seeds = { 'naive-broker-first': 7, 'naive-db-first': 11 };
    const done: string[] = [];
    const pooled = await runInPool('explore', ids, (id) => seeds[id as keyof typeof seeds], { onDone: (id) => done.push(id) }, 2);
    expect(pooled.map((p) => p.pattern)).toEqual([...ids]);
    expect(done.sort()).toEqual([...ids].sort());
    for (const [i, id] of ids.entries()) {
      const here = await explorePattern(db, getPattern(id)!, { seed: seeds[id] });
      expect(pooled[i]).toEqual(here);
    }
  });

  it('leaves, as it compares, the very exploration and observations a test file would make', async () => {
    const records = mkdtempSync(join(tmpdir(), 'lab-records-'));
    process.env.LAB_EXPLORATION_RECORDS = records;
    try {
      expect(readExplorationRecord('naive-db-first', 1)).toBeNull();
      await compareInPool(['naive-db-first'], 1, {});
      const recorded = readExplorationRecord('naive-db-first', 1);
      // Another seed's record is no record for this one.
      expect(readExplorationRecord('naive-db-first', 2)).toBeNull();
      const observed = noObservations();
      const here = await explorePattern(db, getPattern('naive-db-first')!, { seed: 1, onRun: (result, run) => observeRun(observed, result, run) });
      expect(recorded).toEqual({ explored: here, observed });
      expect(observed.steps).toBeGreaterThan(here.runs.length);
    } finally {
      delete process.env.LAB_EXPLORATION_RECORDS;
      rmSync(records, { recursive: true, force: true });
    }
  });

  it('fails with the pattern it could not run, not a hang', async () => {
    await expect(runInPool('explore', ['no-such-pattern' as never], () => 1, {}, 1)).rejects.toThrow(/exploring no-such-pattern failed: no pattern no-such-pattern/);
  });
});
