import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as twoPhaseCommit } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of two-phase-commit this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, twoPhaseCommit);
const twoPc = (variant = 'default') => lab(postgres.db, 'two-phase-commit').variant(variant);

describe('two-phase-commit with a Kafka-like broker', () => {
  it('aborts every order because the broker cannot prepare: consistent, and nothing is placed', async () => {
    const result = await twoPc('kafka-broker').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const last = result.snapshots!.at(-1)!;
    expect(last.tables.find((t) => t.name === 'service.orders')!.rows).toHaveLength(0);
    expect(last.topics.flatMap((t) => t.messages)).toHaveLength(0);
    expect(result.trace.some((e) => e.from === 'broker' && /protocol not supported/.test(e.label))).toBe(true);
    // Postgres really prepared, then really rolled back.
    const prepare = result.trace.find((e) => e.label.startsWith('prepare gx-1'))!;
    expect(prepare.sql!.at(-1)).toBe("PREPARE TRANSACTION 'gx-1'");
    expect(result.trace.some((e) => e.sql?.[0] === "ROLLBACK PREPARED 'gx-1'")).toBe(true);
  });
});

describe('two-phase-commit with an XA broker (the default)', () => {
  it('commits both orders and their events together in a fault-free default run', async () => {
    const result = await twoPc().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const last = result.snapshots!.at(-1)!;
    expect(last.tables.find((t) => t.name === 'consumer.shipments')!.rows).toHaveLength(2);
    expect(last.tables.find((t) => t.name === 'service.stock')!.rows[0]!.qty).toBe(8);
    expect(last.tables.find((t) => t.name === 'service.orders')!.rows).toHaveLength(2);
    expect(result.trace.filter((e) => e.to === 'client' && /^201 Created/.test(e.label))).toHaveLength(2);
  });

  it('hides a prepared message from consumers until the commit', async () => {
    const result = await twoPc().run({ captureSnapshots: true });
    const afterPrepare = result.snapshots![result.steps.find((s) => s.point === 'coordinator.prepare-broker:1')!.index]!;
    expect(afterPrepare.inspections!.find((t) => t.name === 'broker prepared messages')!.rows).toEqual([{ gid: 'gx-1', event_type: 'OrderPlaced', order_id: 1 }]);
    expect(afterPrepare.topics.flatMap((t) => t.messages)).toHaveLength(0);
  });

  it('holds locks in doubt while the coordinator is down after prepare, and refuses the next writer', async () => {
    const result = await twoPc().crash('coordinator.commit-db:1').run({ captureSnapshots: true });
    const refused = result.steps.find((s) => s.point === 'service.check-stock:2')!;
    const during = result.snapshots![refused.index]!;
    expect(during.down).toContain('coordinator');
    expect(during.inspections!.find((t) => t.name === 'pg_prepared_xacts')!.rows.map((r) => r.gid)).toEqual(['gx-1']);
    const locks = during.inspections!.find((t) => t.name.startsWith('pg_locks'))!.rows;
    expect(locks.map((r) => r.relation)).toContain('service.stock');
    expect(result.trace.some((e) => e.step === refused.index && e.kind === 'error' && /could not obtain lock on row in relation "stock"/.test(e.label))).toBe(true);

    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['blocked']);
    expect(result.outcome.anomalies[0]!.why).toMatch(/crashes before sending COMMIT PREPARED for gx-1/);
    // Recovery commits from the log: order 1 ends up everywhere, nothing is left in doubt.
    const last = result.snapshots!.at(-1)!;
    expect(last.inspections!.find((t) => t.name === 'pg_prepared_xacts')!.rows).toEqual([]);
    expect(last.tables.find((t) => t.name === 'consumer.shipments')!.rows.map((r) => r.order_id)).toEqual([1]);
    expect(result.steps.some((s) => /reads its log and commits gx-1/.test(s.caption))).toBe(true);
  });

  it('turns an order away while the coordinator is down, and says so', async () => {
    const result = await twoPc().crash('coordinator.commit-broker:1').run();
    expect(result.steps.some((s) => /The coordinator is down: the service turns order 2 away/.test(s.caption))).toBe(true);
    expect(result.trace.some((e) => e.to === 'client' && e.label === '503 Service Unavailable (no coordinator)')).toBe(true);
    expect(result.outcome.consistent).toBe(true);
  });

  it('gives the same run, inspections included, twice', async () => {
    const scenario = () => twoPc().crash('coordinator.commit-db:1');
    const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
    expect(JSON.stringify(await scenario().run({ captureSnapshots: true }))).toBe(first);
  });

  it('rolls back on recovery when no decision was logged', async () => {
    const result = await twoPc().crash('coordinator.log-commit:1').run({ captureSnapshots: true });
    expect(result.steps.some((s) => /reads its log and rolls back gx-1/.test(s.caption))).toBe(true);
    const last = result.snapshots!.at(-1)!;
    expect(last.tables.find((t) => t.name === 'service.orders')!.rows).toHaveLength(0);
    expect(last.topics.flatMap((t) => t.messages)).toHaveLength(0);
    expect(last.inspections!.find((t) => t.name === 'broker prepared messages')!.rows).toEqual([]);
  });

  it('reports nothing blocked when the coordinator is down but nobody needs its locks', async () => {
    const result = await twoPc().crash('coordinator.commit-db:2').run();
    expect(result.outcome.consistent).toBe(true);
  });

  it('leaves no prepared transaction behind for the next run', async () => {
    // A run that stops mid-window leaves gx-1 prepared; the next reset must roll it back, not hang.
    await twoPc().crash('coordinator.commit-db:1').run({ stopAfterStep: 7 });
    const prepared = await postgres.db.runner.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts');
    expect(prepared.rows.map((r) => r.gid)).toEqual(['gx-1']);
    const next = await twoPc().run();
    expect(next.outcome.consistent).toBe(true);
  });

  it('can block under a single fault, but never loses or invents an event', async () => {
    const { explored } = exploration;
    const all = new Set(explored.runs.flatMap((r) => r.anomalies));
    expect(all.has('blocked')).toBe(true);
    expect(all.has('lost-event')).toBe(false);
    expect(all.has('phantom-event')).toBe(false);
    // Only the consumer's own redeliveries duplicate anything; idempotency removes their effect.
    for (const run of explored.runs.filter((r) => r.idempotentConsumer)) expect(run.anomalies).not.toContain('duplicate-effect');
    // With the Kafka-like broker nothing is ever committed, so nothing downstream can go wrong.
    for (const run of explored.runs.filter((r) => r.variant === 'kafka-broker')) expect(run.anomalies.every((a) => a === 'blocked')).toBe(true);
  });
});

describeExplorationClaims(exploration, anomalyProfile);
