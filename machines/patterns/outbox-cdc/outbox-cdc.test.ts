import { describe, expect, it } from 'vitest';
import type { RunResult, TableSnapshot, WorldSnapshot } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as outboxCdc } from './pattern';
import { anomalyProfile } from './profile';

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
  it('publishes committed outbox inserts decoded from the real WAL, to the topic named by event_type', async () => {
    const result = await cdc().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const wal = inspection(last(result), 'write-ahead log').rows;
    const outboxInserts = wal.filter((r) => r.relation === 'outbox' && String(r.record).startsWith('INSERT'));
    expect(outboxInserts).toHaveLength(2);
    for (const insert of outboxInserts) {
      expect(wal.some((r) => r.tx === insert.tx && r.record === 'COMMIT')).toBe(true);
    }
    const topics = last(result).topics;
    expect(topics.map((t) => t.topic)).toEqual(['OrderPlaced']);
    expect(topics[0]!.messages.map((m) => [m.key, m.eventId, m.orderId])).toEqual(
      expect.arrayContaining([
        ['1', 'evt-1', 1],
        ['2', 'evt-2', 2],
      ]),
    );
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

  it('never loses or invents an event under any single fault; duplicates only reach a non-idempotent consumer', async () => {
    const { explored } = exploration;
    expect(new Set(explored.runs.map((r) => r.variant))).toEqual(new Set(['default', 'delete-after-insert', 'heartbeat', 'wal-message']));
    const all = new Set(explored.runs.flatMap((r) => r.anomalies));
    expect([...all].sort()).toEqual(['duplicate-delivery', 'duplicate-effect']);
    for (const run of explored.runs) {
      if (run.idempotentConsumer) expect(run.anomalies, JSON.stringify(run.faults)).not.toContain('duplicate-effect');
    }
  });
});

describeExplorationClaims(exploration, anomalyProfile);
