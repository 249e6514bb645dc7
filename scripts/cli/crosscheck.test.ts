/**
 * The cross-check as CI runs it: PGlite against the real server in LAB_DATABASE_URL (.ci/run
 * starts one), on the quick subset of every pattern (`lab crosscheck all --quick`, about a minute
 * here; the full set is `lab crosscheck all`), the CDC ones through logical decoding on the
 * server. Skipped, and said so, when no server is set, so `npm test` passes on a laptop without
 * PostgreSQL. Both tests use the server's `service` schema, so they live in this one file: vitest
 * runs a file's tests one after another, files side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../machines/kernel/explore';
import { defaultScenario } from '../../machines/kernel/scenario';
import type { Scenario } from '../../machines/kernel/types';
import type { PatternId } from '../../machines/kernel/vocabulary';
import { getPattern } from '../../machines/patterns/index';
import { openServerSession } from '../../machines/runtime/pg-session';
import { useLabPostgres } from '../../machines/testing/postgres';
import { comparableLines } from './crosscheck-meaning';
import { spawnLab } from './spawn-lab';

const url = process.env.LAB_DATABASE_URL;
if (!url) console.log('crosscheck.test.ts: LAB_DATABASE_URL is not set; skipped the cross-check of PGlite against a real PostgreSQL (bash .ci/run starts one)');

describe.skipIf(!url)('PGlite against the PostgreSQL server in LAB_DATABASE_URL', () => {
  it('gives the same trace and outcome on both for every run of the quick subset of every pattern', { timeout: 600_000 }, async () => {
    const exit = await spawnLab(['crosscheck', 'all', '--quick', '--json']);
    // The per-pattern lines and the server's version, in the test log.
    console.log(exit.stderr.trimEnd());
    const result = JSON.parse(exit.stdout) as { runs: number; agree: number; patterns: { pattern: string; runs: number; differences: unknown[]; skipped?: string; byMeaning?: boolean }[] };
    const differences = result.patterns.flatMap((p) => p.differences.map((d) => ({ pattern: p.pattern, ...(d as object) })));
    expect(differences.slice(0, 5)).toEqual([]);
    expect(result.agree).toBe(result.runs);
    expect(result.runs).toBeGreaterThan(0);
    // Every pattern ran on the server; the CDC ones (through a logical slot there) compared by meaning.
    expect(result.patterns.filter((p) => p.skipped)).toEqual([]);
    expect(result.patterns.filter((p) => p.byMeaning).map((p) => p.pattern)).toEqual(expect.arrayContaining(['outbox-cdc', 'cdc-table']));
    expect(result.patterns.filter((p) => p.byMeaning).every((p) => p.runs > 0)).toBe(true);
    expect(exit.code).toBe(0);
  });
});

describe.skipIf(!url)('a CDC pattern on the server, read through test_decoding', () => {
  const postgres = useLabPostgres();
  let session: Extract<Awaited<ReturnType<typeof openServerSession>>, { ok: true }>;
  const cdcPatterns = ['outbox-cdc', 'cdc-table'].map((id) => getPattern(id)!);
  beforeAll(async () => {
    const opened = await openServerSession(url!, cdcPatterns, { resetSchemas: false });
    if (!opened.ok) throw new Error(opened.message);
    session = opened;
  });
  afterAll(async () => {
    // The lab's logical slot is dropped when the session closes.
    if (session) expect(await session.close()).toMatch(/dropped replication slot dual_write_lab_cdc/);
  });

  const scenarios: [PatternId, Partial<Scenario>][] = [
    ['cdc-table', {}],
    // A rolled-back transaction: pg_walinspect reads and drops it, logical decoding never shows it.
    ['outbox-cdc', { faults: [{ kind: 'db-write-fails', at: 'service.write-order:1' }] }],
    // Re-read after a crash before the position is stored: the same changes go out twice on both.
    ['outbox-cdc', { variant: 'heartbeat', faults: [{ kind: 'crash', at: 'connector.store-position:1' }] }],
  ];
  it.each(scenarios)('%s %j: the same run as on PGlite, by meaning, with the same anomalies', { timeout: 120_000 }, async (id, changes) => {
    const pattern = getPattern(id)!;
    const scenario = { ...defaultScenario(id), ...changes };
    const [onPglite, onServer] = [await runScenario(postgres.db, pattern, scenario), await runScenario(session.db, pattern, scenario)];
    expect(comparableLines(pattern, onServer)).toEqual(comparableLines(pattern, onPglite));
    // Anomalies exactly (their texts name positions, compared by rank above).
    const verdict = (r: typeof onPglite) => ({ settled: r.outcome.settled, anomalies: r.outcome.anomalies.map((a) => [a.id, a.subject, a.evidence]) });
    expect(verdict(onServer)).toEqual(verdict(onPglite));
    // The server's connector really read a logical slot.
    const reads = onServer.trace.filter((e) => e.kind === 'sql' && e.label.startsWith('read changes'));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((e) => e.sql!.join(' ').includes("pg_logical_slot_peek_changes('dual_write_lab_cdc'"))).toBe(true);
  });
});
