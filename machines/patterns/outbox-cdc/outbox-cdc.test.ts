import { describe, expect, it } from 'vitest';
import type { RunResult, TableSnapshot, WorldSnapshot } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as outboxCdc } from './pattern';
import { anomalyProfile } from './profile';
import { LAB_OFFSET_FLUSH_INTERVAL_MS } from '../../actors/cdc-offsets';

const postgres = useLabPostgres();
// The one exploration of outbox-cdc this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, outboxCdc);
const cdc = () => lab(postgres.db, 'outbox-cdc');

function inspection(snapshot: WorldSnapshot, name: string): TableSnapshot {
  return snapshot.inspections!.find((t) => t.name.startsWith(name))!;
}
function table(snapshot: WorldSnapshot, name: string): TableSnapshot {
  return snapshot.tables.find((t) => t.name === name)!;
}
const last = (result: RunResult) => result.snapshots!.at(-1)!;
const retained = (snapshot: WorldSnapshot) => Number(inspection(snapshot, 'replication slot').rows[0]!.retained_bytes);

describe('outbox-cdc', () => {
  it('routes committed outbox inserts decoded from the real WAL as the outbox event router does', async () => {
    const result = await cdc().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const wal = inspection(last(result), 'write-ahead log').rows;
    const outboxInserts = wal.filter((r) => r.relation === 'outbox' && String(r.record).startsWith('INSERT'));
    expect(outboxInserts).toHaveLength(2);
    for (const insert of outboxInserts) {
      expect(wal.some((r) => r.tx === insert.tx && r.record === 'COMMIT')).toBe(true);
    }
    const topics = last(result).topics;
    // route.by.field=aggregate_type → outbox.event.Order; key = aggregate id; the event id in an `id` header; payload as the value.
    expect(topics.map((t) => t.topic)).toEqual(['outbox.event.Order']);
    expect(topics[0]!.messages.map((m) => [m.key, m.headers, m.orderId])).toEqual(
      expect.arrayContaining([
        ['1', { id: 'evt-1' }, 1],
        ['2', { id: 'evt-2' }, 2],
      ]),
    );
    const outbox = table(last(result), 'service.outbox').rows;
    for (const m of topics[0]!.messages) expect(m.payload).toBe(outbox.find((r) => r.event_id === m.headers!.id)!.payload);
    // No raw LSN (like 0/1702960) ever reaches the trace: positions are offsets from the run's start.
    expect(JSON.stringify(result.trace)).not.toMatch(/\b[0-9A-F]{1,8}\/[0-9A-F]{6,8}\b/);
  });

  it('emits nothing for a rolled-back transaction: its outbox INSERT is in the WAL, a COMMIT is not', async () => {
    const result = await cdc().fault('db-write-fails', 'service.write-order:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const wal = inspection(last(result), 'write-ahead log').rows;
    const firstInsert = wal.find((r) => r.relation === 'outbox')!;
    const ofThatTx = wal.filter((r) => r.tx === firstInsert.tx).map((r) => r.record);
    expect(ofThatTx).toContain('ABORT');
    expect(ofThatTx).not.toContain('COMMIT');
    expect(last(result).topics[0]!.messages.map((m) => m.orderId)).toEqual([2]);
    expect(result.steps.find((s) => s.operation === 'poll')!.caption).toMatch(/drops rolled-back tx \d+|tx \d+ aborted/);
  });

  it('publishes again after crashing between publish and storing its position', async () => {
    const result = await cdc().crash('connector.store-position:1').run();
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['duplicate-delivery', 'duplicate-delivery', 'duplicate-effect', 'duplicate-effect']);
    expect(result.steps.filter((s) => s.operation === 'connect').map((s) => s.caption)).toEqual([
      expect.stringMatching(/resumes at WAL \+0\./),
      expect.stringMatching(/resumes at WAL \+0\./),
    ]);
    const idempotent = await cdc().crash('connector.store-position:1').idempotent().anomalies();
    expect(idempotent).toEqual(['duplicate-delivery']);
  });

  it('holds WAL in the slot while the broker is down, and lets it go once it can publish', async () => {
    const result = await cdc().fault('broker-unavailable', 'connector.publish:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const failed = result.steps.find((s) => s.struck)!.index;
    const stored = result.steps.find((s) => s.operation === 'advance-slot')!.index;
    const slot = (step: number) => inspection(result.snapshots![step]!, 'replication slot').rows[0]!;
    expect(Number(slot(failed).connector_lag_bytes)).toBeGreaterThan(1000);
    // Other writers (the consumer) go on while the connector is stuck: the retained WAL grows.
    expect(retained(result.snapshots![stored - 1]!)).toBeGreaterThanOrEqual(retained(result.snapshots![failed]!));
    expect(retained(result.snapshots![stored]!)).toBeLessThan(retained(result.snapshots![stored - 1]!));
  });

  it('sees the insert even when the service deletes the outbox row in the same transaction', async () => {
    const result = await cdc().variant('delete-after-insert').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(table(last(result), 'service.outbox').rows).toEqual([]);
    const wal = inspection(last(result), 'write-ahead log').rows.filter((r) => r.relation === 'outbox').map((r) => r.record);
    expect(wal.filter((r) => String(r).startsWith('INSERT'))).toHaveLength(2);
    expect(wal.filter((r) => r === 'DELETE')).toHaveLength(2);
    expect(last(result).topics[0]!.messages).toHaveLength(2);
  });

  it('lets WAL pile up while only other tables are written, unless it sends heartbeats', async () => {
    const plain = await cdc().run({ captureSnapshots: true });
    const beating = await cdc().variant('heartbeat').run({ captureSnapshots: true });
    // The consumer's shipments are written after the connector's last emit: nothing confirms them.
    expect(retained(last(plain))).toBeGreaterThan(400);
    expect(retained(last(beating))).toBeLessThan(retained(last(plain)) / 4);
    expect(table(last(beating), 'service.cdc_heartbeat').rows).toHaveLength(1);
    expect(beating.outcome.consistent).toBe(true);
  });

  it('never loses or invents an event under any single fault while its slot lives; duplicates only reach a non-idempotent consumer', async () => {
    const { explored } = exploration;
    expect(new Set(explored.runs.map((r) => r.variant))).toEqual(new Set(['default', 'delete-after-insert', 'heartbeat', 'wal-message', 'mark-published', 'lost-slot']));
    const all = new Set(explored.runs.filter((r) => r.variant !== 'lost-slot').flatMap((r) => r.anomalies));
    expect([...all].sort()).toEqual(['duplicate-delivery', 'duplicate-effect']);
    // A lost slot loses events with no fault at all.
    const lostSlotClean = explored.runs.filter((r) => r.variant === 'lost-slot' && r.faults.length === 0);
    for (const run of lostSlotClean) expect(run.anomalies).toEqual(['lost-event']);
    for (const run of explored.runs) {
      if (run.idempotentConsumer) expect(run.anomalies, JSON.stringify(run.faults)).not.toContain('duplicate-effect');
    }
  });
});

describe('outbox-cdc: offsets flushed on a timer, as Kafka Connect does', () => {
  it('stores no position until the flush interval is up, and advances the slot only after the flush', async () => {
    const result = await cdc().orders(0, 700).run({ captureSnapshots: true });
    const firstStore = result.steps.find((s) => s.operation === 'store-position')!;
    const publishes = result.steps.filter((s) => s.operation === 'publish');
    // Two batches (polls at ~0.5 s and ~1 s), one flush for both, at the 2 s tick.
    expect(publishes).toHaveLength(2);
    expect(publishes.every((p) => p.index < firstStore.index)).toBe(true);
    expect(firstStore.t).toBeGreaterThanOrEqual(LAB_OFFSET_FLUSH_INTERVAL_MS);
    expect(firstStore.caption).toMatch(/flushes offset \+\d+ \(every 2 s; Kafka Connect: 60 s\)/);
    const slotAt = (step: number) => inspection(result.snapshots![step]!, 'replication slot').rows[0]!;
    const offsetsAt = (step: number) => inspection(result.snapshots![step]!, 'connector offsets').rows[0]!;
    // Read to the end of both batches in memory, flushed nowhere, slot still at the run's start.
    expect(offsetsAt(firstStore.index - 1).flushed).toBe('+0');
    expect(Number(offsetsAt(firstStore.index - 1).unflushed_bytes)).toBeGreaterThan(0);
    expect(slotAt(firstStore.index).restart_lsn).toBe('+0');
    const advance = result.steps.find((s) => s.operation === 'advance-slot')!;
    expect(advance.index).toBe(firstStore.index + 1);
    expect(slotAt(advance.index).restart_lsn).toBe(offsetsAt(advance.index).flushed);
    expect(offsetsAt(advance.index).offset_flush_interval_ms).toBe(2000);
    expect(offsetsAt(advance.index).kafka_connect_default_ms).toBe(60000);
  });

  it('re-sends both changes after a crash that comes after two publishes and before the flush', async () => {
    const result = await cdc().orders(0, 700).crash('connector.store-position:1').run();
    const crashAt = result.steps.find((s) => s.struck)!.index;
    // Each order went out in its own batch before the crash …
    expect(result.steps.filter((s) => s.operation === 'publish' && s.index < crashAt)).toHaveLength(2);
    // … and both go out again: a per-batch store would have re-sent only the second.
    const duplicates = result.outcome.anomalies.filter((a) => a.id === 'duplicate-delivery').map((a) => a.subject);
    expect(duplicates).toEqual(['order 1', 'order 2']);
    expect(result.steps.filter((s) => s.operation === 'connect').map((s) => s.caption)).toEqual([
      expect.stringMatching(/resumes at WAL \+0\./),
      expect.stringMatching(/resumes at WAL \+0\./),
    ]);
    expect(result.outcome.anomalies.some((a) => a.id === 'lost-event' || a.id === 'phantom-event')).toBe(false);
  });
});

describe('outbox-cdc: the outbox event router', () => {
  it('logs an UPDATE on the outbox as a warning and skips it (table.op.invalid.behavior=warn)', async () => {
    const result = await cdc().variant('mark-published').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const wal = inspection(last(result), 'write-ahead log').rows.filter((r) => r.relation === 'outbox').map((r) => String(r.record));
    expect(wal.filter((r) => r.includes('UPDATE'))).toHaveLength(2);
    const warnings = result.trace.filter((e) => e.from === 'connector' && e.label.startsWith('WARN EventRouter: unexpected update'));
    expect(warnings).toHaveLength(2);
    expect(result.steps.find((s) => s.operation === 'poll' && /2 inserts, 2 skipped updates on outbox\./.test(s.caption))).toBeDefined();
    expect(last(result).topics[0]!.messages.map((m) => m.orderId).sort()).toEqual([1, 2]);
    expect(table(last(result), 'service.outbox').rows.every((r) => r.published === true)).toBe(true);
  });

  it('drops a DELETE on the outbox without a word', async () => {
    const result = await cdc().variant('delete-after-insert').run();
    expect(result.trace.some((e) => e.label.startsWith('WARN'))).toBe(false);
    expect(result.steps.some((s) => /2 inserts, 2 deletes on outbox\./.test(s.caption))).toBe(true);
  });
});

describe('outbox-cdc: a slot lost while the connector is down', () => {
  it('invalidates the slot from the WAL it really retains; the new snapshot finds nothing; the orders are lost', async () => {
    const result = await cdc().variant('lost-slot').run({ captureSnapshots: true });
    const step = (op: string) => result.steps.find((s) => s.operation === op)!;
    const slotAt = (index: number) => inspection(result.snapshots![index]!, 'replication slot').rows[0]!;
    // The index rebuild writes real WAL, more than the lab's 1 MB limit, while the slot holds it.
    expect(Number(slotAt(step('reindex').index).retained_bytes)).toBeGreaterThan(1024 * 1024);
    expect(slotAt(step('reindex').index).wal_status).not.toBe('lost');
    expect(step('checkpoint').caption).toMatch(/keeps over 1 MB of WAL: lost/);
    expect(slotAt(step('checkpoint').index)).toMatchObject({ wal_status: 'lost', restart_lsn: null });
    // The connector notices when it comes back, and its task fails; the operator drops the slot.
    const connects = result.steps.filter((s) => s.operation === 'connect');
    expect(connects[0]!.caption).toMatch(/task fails: slot cdc was invalidated/);
    expect(result.steps.find((s) => s.operation === 'drop-slot')!.index).toBeGreaterThan(connects[0]!.index);
    // snapshot.mode=when_needed: its offset is gone, it makes a new slot and snapshots the outbox, emptied at each insert.
    expect(connects[1]!.caption).toMatch(/offset \+0 is gone from the server: when_needed snapshots/);
    expect(step('snapshot').caption).toMatch(/creates slot cdc at \+\d+, snapshots outbox: 0 rows\./);
    expect(table(last(result), 'service.outbox').rows).toEqual([]);
    expect(last(result).topics).toEqual([]);
    // Decided by the checker from the tables: both orders committed, neither shipped.
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['lost-event', 'order 1'],
      ['lost-event', 'order 2'],
    ]);
    expect(result.outcome.anomalies[0]!.evidence.map((e) => e.ref)).toEqual(['service.orders id=1', 'topics', 'consumer.shipments']);
  });

  it('streams on from the new slot: an order placed after the recovery goes out', async () => {
    const result = await cdc().variant('lost-slot').orders(0, 3000).run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    expect(result.steps.find((s) => s.operation === 'publish')!.caption).toMatch(/order 2 to outbox\.event\.Order/);
  });
});

describeExplorationClaims(exploration, anomalyProfile);
