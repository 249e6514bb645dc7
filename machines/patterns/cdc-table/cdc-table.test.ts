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

  it('renames the column mid-stream: the change before it parses, every change after it carries the new name', async () => {
    const result = await cdc().variant('renamed-column').run({ captureSnapshots: true });
    const rename = result.steps.find((s) => s.operation === 'rename-column')!;
    const firstPlace = result.steps.find((s) => s.operation === 'place-order')!;
    expect(rename.index).toBeGreaterThan(firstPlace.index);
    expect(result.trace.some((e) => e.sql?.some((q) => q.includes('RENAME COLUMN amount_cents TO total_cents')))).toBe(true);
    const events = inspection(last(result), 'change events').rows;
    const created1 = events.find((e) => e.op === 'c' && e.key === '1')!;
    const created2 = events.find((e) => e.op === 'c' && e.key === '2')!;
    const updated1 = events.find((e) => e.op === 'u')!;
    // Before: written under the old name, streamed under it (pgoutput's RELATION as of that change).
    expect(parse(created1.after)).toMatchObject({ id: 1, amount_cents: 1250 });
    // After: the new name, from the next change on; the old row image of the update too.
    expect(parse(created2.after)).toMatchObject({ id: 2, total_cents: 1500 });
    expect(parse(created2.after)).not.toHaveProperty('amount_cents');
    expect(parse(updated1.before)).toMatchObject({ total_cents: 1250 });
    expect(parse(updated1.after)).toMatchObject({ total_cents: 1750 });
    expect(result.trace.some((e) => e.from === 'connector' && /^RELATION service\.orders: columns changed in tx \d+$/.test(e.label))).toBe(true);
    // The consumer: the first insert parses, the rest does not.
    expect(result.steps.some((s) => s.caption === 'The consumer creates a shipment for order 1.')).toBe(true);
    expect(result.steps.some((s) => /finds no after\.amount_cents for order 2/.test(s.caption))).toBe(true);
    expect(result.steps.some((s) => /finds no after\.amount_cents for order 1/.test(s.caption))).toBe(true);
    // Order 2 is cancelled later, so only the change to order 1 is owed: its shipment keeps the old amount.
    expect(table(last(result), 'consumer.shipments').rows.map((r) => [r.order_id, r.amount_cents])).toEqual([[1, 1250]]);
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    expect(result.outcome.anomalies[0]!.evidence).toEqual([
      { ref: 'service.orders id=1', detail: 'total_cents = 1750 in the source of truth' },
      { ref: 'lab.service.orders/p0@1', detail: 'OrderUpdated, delivered once, never applied' },
      { ref: 'consumer.shipments id=1', detail: 'amount_cents = 1250' },
    ]);
  });

  it('keeps the names a change was written with when a restart makes it read them again', async () => {
    // Crash before the first flush: everything is read again, from +0, after the rename.
    const result = await cdc().variant('renamed-column').crash('connector.store-position:1').run({ captureSnapshots: true });
    const events = inspection(last(result), 'change events').rows.filter((e) => e.key === '1' && e.op === 'c');
    expect(events).toHaveLength(2);
    for (const e of events) expect(parse(e.after)).toMatchObject({ amount_cents: 1250 });
    const updates = inspection(last(result), 'change events').rows.filter((e) => e.op === 'u');
    expect(updates).toHaveLength(2);
    for (const u of updates) expect(parse(u.after)).toMatchObject({ total_cents: 1750 });
    // The first insert was applied twice; the update, under its new name, still never.
    expect(new Set(result.outcome.anomalies.map((a) => a.id))).toEqual(new Set(['lost-event', 'duplicate-delivery', 'duplicate-effect']));
  });

  it('streams the new name after a restart that follows the flush: the column list does not go back', async () => {
    const clean = await cdc().variant('renamed-column').orders(0, 3000).run();
    const flush = clean.steps.find((s) => s.operation === 'advance-slot')!;
    const pollAfter = clean.steps.filter((s) => s.operation === 'poll' && s.index > flush.index)[0]!;
    const result = await cdc().variant('renamed-column').orders(0, 3000).crash(pollAfter.point).run({ captureSnapshots: true });
    expect(result.steps.find((s) => s.struck)!.point).toBe(pollAfter.point);
    const created2 = inspection(last(result), 'change events').rows.find((e) => e.op === 'c' && e.key === '2')!;
    expect(parse(created2.after)).toMatchObject({ total_cents: 1500 });
    expect(table(last(result), 'service.cdc_connector_state').rows[0]!.relations).toContain('total_cents');
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
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
