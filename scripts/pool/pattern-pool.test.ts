import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import type { LabDatabase } from '../../machines/actors/postgres';
import { explorePattern } from '../../machines/kernel/explore';
import { getPattern } from '../../machines/patterns/index';
import { startLabPostgresInNode } from '../../machines/runtime/boot-image-node';
import { runInPool } from './pattern-pool';

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

  it('fails with the pattern it could not run, not a hang', async () => {
    await expect(runInPool('explore', ['no-such-pattern' as never], () => 1, {}, 1)).rejects.toThrow(/exploring no-such-pattern failed: no pattern no-such-pattern/);
  });
});
