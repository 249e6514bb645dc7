import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { useLabPostgres } from '../../testing/postgres';

const postgres = useLabPostgres();
const variant = (id: string) => lab(postgres.db, 'outbox-polling').variant(id);

// What exploring every variant shows is checked in outbox-polling.test.ts, with that file's one exploration.
describe('outbox-polling, id-cursor relay', () => {
  it('loses the order whose lower id commits after a higher one', async () => {
    const result = await variant('id-cursor').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    // The id was taken before the insert, in its own statement.
    const reserve = result.trace.find((e) => e.label === 'take an outbox id for order 1')!;
    expect(reserve.sql).toEqual(["SELECT nextval('service.outbox_id_seq') AS id"]);
    const polls = result.trace.filter((e) => e.label === 'poll the outbox after the cursor');
    expect(polls.map((p) => p.sql![0])).toEqual([
      'SELECT id, event_id, aggregate_id, event_type FROM service.outbox WHERE id > 0 ORDER BY id LIMIT 10',
      'SELECT id, event_id, aggregate_id, event_type FROM service.outbox WHERE id > 2 ORDER BY id LIMIT 10',
    ]);
    const last = result.snapshots!.at(-1)!;
    const outbox = last.tables.find((t) => t.name === 'service.outbox')!.rows;
    expect(outbox.map((r) => [r.id, r.aggregate_id, r.published])).toEqual([
      [1, '1', false],
      [2, '2', true],
    ]);
    const memory = last.inspections!.find((t) => t.name === 'relay memory')!;
    expect(memory.rows[0]!.last_seen).toBe(2);
  });

  it('delivers both when ids commit in order', async () => {
    // Order 2 arrives after order 1's slow payment check is over, so id 1 commits first.
    const result = await variant('id-cursor').orders(0, 800).run();
    expect(result.outcome.consistent).toBe(true);
  });

  it('reads its cursor back from the outbox after a crash, and republishes what it had not marked', async () => {
    const result = await variant('id-cursor').orders(0, 10).crash('relay.mark:1').run();
    expect(result.trace.some((e) => e.label === 'read back the cursor')).toBe(true);
    expect(result.outcome.anomalies.map((a) => a.id)).toContain('duplicate-delivery');
  });
});

describe('outbox-polling, competing relays', () => {
  it('claims rows with one UPDATE … SKIP LOCKED … RETURNING and publishes one order out of order', async () => {
    const result = await variant('competing-relays').crash('relay-2.publish:1').run({ captureSnapshots: true });
    const claim = result.trace.find((e) => e.from === 'relay' && e.label === 'relay claims rows')!;
    expect(claim.sql![0]).toMatch(/^UPDATE service\.outbox SET claimed_by = 'relay'.*FOR UPDATE SKIP LOCKED\) RETURNING/);
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['out-of-order', 'order 1']]);
    const applied = result.snapshots!.at(-1)!.tables.find((t) => t.name === 'consumer.applied_events')!.rows;
    expect(applied.filter((r) => r.aggregate_key === '1').map((r) => r.event_type)).toEqual(['OrderConfirmed', 'OrderPlaced']);
  });

  it('takes over a crashed relay\'s claim once its lease runs out, so nothing is lost', async () => {
    const result = await variant('competing-relays').crash('relay-2.publish:1').run({ captureSnapshots: true });
    const held = result.snapshots!.find((s) => s.inspections?.find((t) => t.name === 'claims')?.rows.some((r) => r.claimed_by === 'relay-2'));
    expect(held).toBeDefined();
    const takeover = result.steps.find((s) => /The relay claims outbox row 1 /.test(s.caption))!;
    expect(takeover.t).toBeGreaterThanOrEqual(1500);
    expect(result.outcome.anomalies.map((a) => a.id)).not.toContain('lost-event');
  });

  it('gives the same run, claims included, twice', async () => {
    const scenario = () => variant('competing-relays').crash('relay-2.publish:1');
    const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
    expect(JSON.stringify(await scenario().run({ captureSnapshots: true }))).toBe(first);
  });

  it('keeps each order in order when one relay publishes everything', async () => {
    // Relay 2 is down from the start; relay 1 claims in id order.
    const result = await variant('competing-relays').crash('relay-2.claim:1').crash('relay-2.claim:2').run();
    expect(result.outcome.anomalies.map((a) => a.id)).not.toContain('out-of-order');
  });
});

describe('outbox-polling, consumer auto-commit', () => {
  it('without faults, ships every order: committing early costs nothing until something fails', async () => {
    const result = await variant('auto-commit').run();
    expect(result.outcome.consistent).toBe(true);
    // The commit comes before the effect, for the whole batch handed over.
    const ops = result.steps.filter((s) => s.actor === 'consumer' && ['auto-commit', 'apply'].includes(s.operation)).map((s) => s.operation);
    expect(ops[0]).toBe('auto-commit');
    expect(result.steps.some((s) => s.operation === 'commit-offset')).toBe(false);
  });

  it('a crash between the auto-commit and the shipment loses the event though the outbox delivered it', async () => {
    const result = await variant('auto-commit').crash('consumer.apply:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    const last = result.snapshots!.at(-1)!;
    // Published and marked: nothing upstream is wrong.
    expect(last.tables.find((t) => t.name === 'service.outbox')!.rows.every((r) => r.published === true)).toBe(true);
    expect(last.tables.find((t) => t.name === 'consumer.shipments')!.rows.map((r) => r.order_id)).toEqual([2]);
    // After the restart the consumer reads from the committed offset, already past order 1.
    const restart = result.steps.findIndex((s) => s.actor === 'consumer' && s.operation === 'restart');
    const refetch = result.steps.slice(restart).find((s) => s.actor === 'consumer' && s.operation === 'fetch')!;
    expect(refetch.caption).not.toMatch(/order 1/);
  });

  it('the same crash with commit-after-effect (the default) delivers the event again instead', async () => {
    const result = await variant('default').crash('consumer.apply:1').run();
    expect(result.outcome.anomalies.map((a) => a.id)).not.toContain('lost-event');
  });
});
