import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as outboxPolling } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of outbox-polling this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, outboxPolling);
const outbox = () => lab(postgres.db, 'outbox-polling');

describe('outbox-polling', () => {
  it('writes the order and its outbox row together, and the relay marks it published', async () => {
    const result = await outbox().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const last = result.snapshots!.at(-1)!;
    const rows = last.tables.find((t) => t.name === 'service.outbox')!.rows;
    expect(rows.map((r) => [r.aggregate_id, r.published])).toEqual([
      ['1', true],
      ['2', true],
    ]);
    const poll = result.trace.find((e) => e.label === 'poll the outbox')!;
    expect(poll.sql![0]).toMatch(/WHERE published = false ORDER BY created_at, id LIMIT 10/);
  });

  it('never loses or invents an event under any single fault', async () => {
    const { explored } = exploration;
    // The relay variants have their own profiles (outbox-polling-variants.test.ts).
    const runs = explored.runs.filter((r) => r.variant === 'default');
    expect(runs.length).toBeGreaterThan(20);
    for (const run of runs) {
      expect(run.anomalies, JSON.stringify(run.faults)).not.toContain('lost-event');
      expect(run.anomalies, JSON.stringify(run.faults)).not.toContain('phantom-event');
      if (run.idempotentConsumer) expect(run.anomalies, JSON.stringify(run.faults)).not.toContain('duplicate-effect');
    }
  });

  it('delivers twice when the relay crashes between publish and mark', async () => {
    const result = await outbox().crash('relay.mark:1').run();
    const ids = result.outcome.anomalies.map((a) => a.id);
    expect(ids).toEqual(['duplicate-delivery', 'duplicate-effect']);
    const delivery = result.outcome.anomalies[0]!;
    expect(delivery.subject).toBe('order 1');
    expect(delivery.evidence).toHaveLength(2);
    expect(delivery.why).toMatch(/2 copies in the topic/);
  });

  it('applies the duplicate only when the consumer is not idempotent', async () => {
    const result = await outbox().crash('relay.mark:1').idempotent().run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['duplicate-delivery']);
    const processed = result.snapshots!.at(-1)!.tables.find((t) => t.name === 'consumer.processed_events')!;
    expect(processed.rows.map((r) => r.event_id)).toEqual(['evt-1', 'evt-2']);
    expect(result.steps.some((s) => /skips evt-1/.test(s.caption))).toBe(true);
  });

  it('publishes on a later poll when the broker was down', async () => {
    const result = await outbox().fault('broker-unavailable', 'relay.publish:1').run();
    expect(result.outcome.consistent).toBe(true);
    const publishes = result.steps.filter((s) => s.operation === 'publish');
    expect(publishes.length).toBeGreaterThan(2);
  });

  it('rolls back the order and its outbox row together', async () => {
    const result = await outbox().fault('db-write-fails', 'service.write-order:2').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const last = result.snapshots!.at(-1)!;
    expect(last.tables.find((t) => t.name === 'service.orders')!.rows).toHaveLength(1);
    expect(last.tables.find((t) => t.name === 'service.outbox')!.rows).toHaveLength(1);
  });

  it('still delivers an order whose commit the service thought had failed', async () => {
    const result = await outbox().fault('commit-unknown', 'service.write-order:1').run();
    expect(result.outcome.consistent).toBe(true);
    expect(result.trace.some((e) => e.to === 'client' && e.label.startsWith('500'))).toBe(true);
  });
});

describe('outbox-polling, the relay variants explored', () => {
  it('can publish out of order or twice under single faults, but never loses or invents an event', () => {
    const { explored } = exploration;
    const competing = explored.runs.filter((r) => r.variant === 'competing-relays');
    const cursor = explored.runs.filter((r) => r.variant === 'id-cursor');
    const seen = (runs: typeof competing) => new Set(runs.flatMap((r) => r.anomalies));
    expect([...seen(competing)].sort()).toEqual(['duplicate-delivery', 'duplicate-effect', 'out-of-order']);
    expect(seen(cursor).has('lost-event')).toBe(true);
    expect(seen(cursor).has('out-of-order')).toBe(false);
  });
});

describeExplorationClaims(exploration, anomalyProfile);
