import { describe, expect, it } from 'vitest';
import type { RunResult, TableSnapshot, WorldSnapshot } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as cdcTable } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of cdc-table this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, cdcTable);
const cdc = () => lab(postgres.db, 'cdc-table');

const last = (result: RunResult) => result.snapshots!.at(-1)!;
function inspection(snapshot: WorldSnapshot, name: string): TableSnapshot {
  return snapshot.inspections!.find((t) => t.name.startsWith(name))!;
}
function table(snapshot: WorldSnapshot, name: string): TableSnapshot {
  return snapshot.tables.find((t) => t.name === name)!;
}
const parse = (value: unknown) => (value === null ? null : (JSON.parse(String(value)) as Record<string, unknown>));

describe('cdc-table', () => {
  it('streams an INSERT, an UPDATE and a DELETE of orders as c/u/d with before and after', async () => {
    const result = await cdc().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const events = inspection(last(result), 'change events').rows;
    expect(events.map((e) => [e.op, e.key])).toEqual([
      ['c', '1'],
      ['u', '1'],
      ['c', '2'],
      ['d', '2'],
    ]);
    const update = events.find((e) => e.op === 'u')!;
    expect(parse(update.before)).toMatchObject({ id: 1, amount_cents: 1250 });
    expect(parse(update.after)).toMatchObject({ id: 1, amount_cents: 1750, customer: 'customer-1' });
    const deletion = events.find((e) => e.op === 'd')!;
    expect(parse(deletion.before)).toMatchObject({ id: 2, customer: 'customer-2', amount_cents: 1500 });
    expect(deletion.after).toBeNull();
    const shipments = table(last(result), 'consumer.shipments').rows;
    expect(shipments.map((s) => [s.order_id, s.amount_cents, s.cancelled_at === null])).toEqual([
      [1, 1750, true],
      [2, 1500, false],
    ]);
  });

  it('gets no old row from the WAL, REPLICA IDENTITY FULL or not: the before comes from images the connector kept', async () => {
    const result = await cdc().run({ captureSnapshots: true });
    const wal = inspection(last(result), 'write-ahead log').rows.filter((r) => r.relation === 'orders');
    const update = wal.find((r) => String(r.record).includes('UPDATE'))!;
    const deletion = wal.find((r) => r.record === 'DELETE')!;
    // An UPDATE on the same page logs only the changed bytes; a DELETE only the tuple's slot.
    expect(Number(update.bytes)).toBeLessThan(80);
    expect(Number(deletion.bytes)).toBeLessThan(60);
    expect(table(last(result), 'service.cdc_connector_state').rows).toHaveLength(1);
  });

  it('replays the same changes after a crash before storing its position, before images included', async () => {
    const result = await cdc().crash('connector.store-position:1').run({ captureSnapshots: true });
    expect(new Set(result.outcome.anomalies.map((a) => a.id))).toEqual(new Set(['duplicate-delivery', 'duplicate-effect']));
    const updates = inspection(last(result), 'change events').rows.filter((e) => e.op === 'u');
    expect(updates).toHaveLength(2);
    expect(updates[1]!.before).toBe(updates[0]!.before);
    expect(updates[1]!.after).toBe(updates[0]!.after);
    expect(await cdc().crash('connector.store-position:1').idempotent().anomalies()).toEqual(['duplicate-delivery']);
  });

  it('breaks the consumer when the service renames a column: the change arrives, its parse finds nothing', async () => {
    const result = await cdc().variant('renamed-column').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    const created = inspection(last(result), 'change events').rows.find((e) => e.op === 'c')!;
    expect(parse(created.after)).toMatchObject({ id: 1, total_cents: 1250 });
    expect(parse(created.after)).not.toHaveProperty('amount_cents');
    expect(result.steps.some((s) => /finds no after\.amount_cents for order 1/.test(s.caption))).toBe(true);
  });

  it('loses and invents nothing under any single fault with the table it was built for; a renamed column loses events with none', async () => {
    const { explored } = exploration;
    const byVariant = (v: string) => explored.runs.filter((r) => r.variant === v);
    const defaults = new Set(byVariant('default').flatMap((r) => r.anomalies));
    expect([...defaults].sort()).toEqual(['duplicate-delivery', 'duplicate-effect']);
    for (const run of byVariant('default')) if (run.idempotentConsumer) expect(run.anomalies).not.toContain('duplicate-effect');
    const renamedClean = byVariant('renamed-column').find((r) => r.faults.length === 0)!;
    expect(renamedClean.anomalies).toEqual(['lost-event']);
  });
});

describeExplorationClaims(exploration, anomalyProfile);
