/**
 * The cross-check as CI runs it: PGlite against the real server in LAB_DATABASE_URL (.ci/run
 * starts one), on the quick subset of every pattern (`lab crosscheck all --quick`, about half a
 * minute here; the full set is `lab crosscheck all`). Skipped, and said so, when no server is set,
 * so `npm test` passes on a laptop without PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { spawnLab } from './spawn-lab';

const url = process.env.LAB_DATABASE_URL;
if (!url) console.log('crosscheck.test.ts: LAB_DATABASE_URL is not set; skipped the cross-check of PGlite against a real PostgreSQL (bash .ci/run starts one)');

describe.skipIf(!url)('PGlite against the PostgreSQL server in LAB_DATABASE_URL', () => {
  it('gives the same trace and outcome on both for every run of the quick subset of every pattern', { timeout: 600_000 }, async () => {
    const exit = await spawnLab(['crosscheck', 'all', '--quick', '--json']);
    // The per-pattern lines and the server's version, in the test log.
    console.log(exit.stderr.trimEnd());
    const result = JSON.parse(exit.stdout) as { runs: number; agree: number; patterns: { pattern: string; differences: unknown[]; skipped?: string }[] };
    const differences = result.patterns.flatMap((p) => p.differences.map((d) => ({ pattern: p.pattern, ...(d as object) })));
    expect(differences.slice(0, 5)).toEqual([]);
    expect(result.agree).toBe(result.runs);
    expect(result.runs).toBeGreaterThan(0);
    expect(exit.code).toBe(0);
  });
});
