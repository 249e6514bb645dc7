/**
 * A step's snapshot reuses the tables before it when the step sent no SQL that changes rows.
 * That is only safe if what the reader sees is the same as reading every table again: checked
 * here on every pattern and variant, fault-free and with a fault at its first fault point,
 * against runs that read every table after every step.
 */
import { describe, expect, it } from 'vitest';
import { PATTERNS } from '../patterns/index';
import { useLabPostgres } from '../testing/postgres';
import { faultSites, runScenario } from './explore';
import { mayChangeTables } from './table-changes';
import type { Scenario, TraceEntry } from './types';
import { PATTERN_IDS } from './vocabulary';

const postgres = useLabPostgres();

const sql = (...statements: string[]): TraceEntry => ({ seq: 0, step: 1, t: 0, from: 'service', to: 'postgres', kind: 'sql', label: 'x', sql: statements, ok: true });

describe('which steps may change the tables', () => {
  it('reads, transaction control and LISTEN leave rows alone; writes and finishing a prepared transaction do not', () => {
    expect(mayChangeTables([])).toBe(false);
    expect(mayChangeTables([sql('BEGIN', 'SELECT id FROM service.outbox FOR UPDATE SKIP LOCKED', 'COMMIT')])).toBe(false);
    expect(mayChangeTables([sql('LISTEN outbox'), sql('ROLLBACK')])).toBe(false);
    expect(mayChangeTables([sql('BEGIN', 'INSERT INTO service.orders VALUES (1)', 'ROLLBACK')])).toBe(true);
    expect(mayChangeTables([sql("COMMIT PREPARED 'gx-1'")])).toBe(true);
    expect(mayChangeTables([sql("ROLLBACK PREPARED 'gx-1'")])).toBe(true);
    expect(mayChangeTables([sql('  update service.outbox SET published = true')])).toBe(true);
    expect(mayChangeTables([{ ...sql(), kind: 'request', sql: undefined }])).toBe(false);
  });
});

describe('snapshots that reuse unchanged tables', () => {
  const cases = PATTERN_IDS.flatMap((id) => PATTERNS[id]!.info.variants.map((v) => [id, v.id] as const));
  it.each(cases)('%s (%s): every snapshot holds what reading every table again holds', async (id, variant) => {
    const pattern = PATTERNS[id]!;
    const base: Scenario = { pattern: id, variant, seed: 3, faults: [], idempotentConsumer: false, orders: [0, 40] };
    const check = async (scenario: Scenario) => {
      const reused = await runScenario(postgres.db, pattern, scenario, { captureSnapshots: true });
      const reread = await runScenario(postgres.db, pattern, scenario, { captureSnapshots: true, recaptureUnchangedTables: true });
      expect(reused.snapshots).toEqual(reread.snapshots);
      return reused;
    };
    const clean = await check(base);
    // A fault near the start sends the run down its failure path (errors, rollbacks, a restart).
    const site = faultSites(clean.steps).find((s) => s.kinds.some((k) => k !== 'pause'));
    if (site) await check({ ...base, faults: [{ kind: site.kinds.find((k) => k !== 'pause')!, at: site.point }] });
  });
});
