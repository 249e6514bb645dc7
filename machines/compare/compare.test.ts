import { describe, expect, it } from 'vitest';
import { explorePattern } from '../kernel/explore';
import { formatFault } from '../kernel/scenario';
import { ANOMALY_IDS } from '../kernel/vocabulary';
import { PATTERNS } from '../patterns/index';
import { useLabPostgres } from '../testing/postgres';
import { loadHousekeeping } from '../../scripts/compare/content';
import { assembleCompare, comparePattern } from './build';
import { compareAgreement } from './agreement';
import { measureRow, MissingHousekeeping } from './measures';

const postgres = useLabPostgres();
const housekeeping = loadHousekeeping();

describe('comparing a pattern', () => {
  it('counts exactly what a fresh exploration shows, per variant, switch off and on', async () => {
    const pattern = PATTERNS['naive-db-first'];
    const compared = await comparePattern(postgres.db, pattern, { seed: 1, housekeeping });
    const explored = await explorePattern(postgres.db, pattern, { seed: 1 });
    const single = explored.runs.filter((r) => r.faults.length === 1);
    const [row] = compared.rows;
    expect(row!.runs).toBe(single.length / 2);
    for (const id of ANOMALY_IDS) {
      const count = (on: boolean) => single.filter((r) => r.idempotentConsumer === on && r.anomalies.includes(id)).length;
      expect(row!.anomalies[id], id).toEqual({ off: count(false), on: count(true) });
    }
    // Each case is one fault plan, with the struck step and the checker's why for every anomaly it showed.
    const cases = compared.cases.variants.default!;
    expect(cases.map((c) => `${c.orders.join(',')} ${c.fault}`)).toEqual(single.filter((r) => !r.idempotentConsumer).map((r) => `${r.orders.join(',')} ${formatFault(r.faults[0]!)}`));
    for (const c of cases) {
      expect(c.struckStep, c.fault).not.toBeNull();
      expect(c.struckCaption, c.fault).not.toBe('');
      for (const a of [...c.off.anomalies, ...c.on.anomalies]) expect(a.why.length, `${c.fault} ${a.id}`).toBeGreaterThan(20);
    }
    // Publishing after the commit loses the event when the service dies in between, whatever the switch.
    const lost = cases.find((c) => c.fault === 'crash@service.publish:1' && c.orders.join() === '0,40')!;
    expect(lost.off.anomalies.map((a) => a.id)).toContain('lost-event');
    expect(lost.on.anomalies.map((a) => a.id)).toContain('lost-event');
    expect(row!.worst).toEqual({ off: 'lost-event', on: 'lost-event' });
    expect(row!.byFaultKind.crash?.off).toBe('lost-event');
    expect(row!.traits).toMatchObject({ needsIdempotentConsumer: true, losesOrInvents: true, blocks: false });
  });

  it('is the same comparison from the same seed', async () => {
    // Racing readers whose interleaving the seed draws, in a pattern quick to compare.
    const pattern = PATTERNS['cache-set'];
    const first = await comparePattern(postgres.db, pattern, { seed: 3, housekeeping });
    const second = await comparePattern(postgres.db, pattern, { seed: 3, housekeeping });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const data = assembleCompare([first], [], 3);
    expect(compareAgreement(data, assembleCompare([second], [], 3))).toEqual({ agree: true, rows: pattern.info.variants.length, differences: [] });
  });

  it('measures latency, cost and what piles up from fault-free runs', async () => {
    const m = await measureRow(postgres.db, PATTERNS['outbox-polling'], 'default', 1, housekeeping);
    // The relay polls every 500 simulated ms, so an order waits for the next poll.
    expect(m.commitToEffectMs!.samples).toBe(5);
    expect(m.commitToEffectMs!.median).toBeGreaterThan(300);
    expect(m.commitToEffectMs!.max).toBeLessThanOrEqual(1000);
    // The order and its outbox row in one transaction, the relay's poll and mark, the consumer's shipment.
    expect(m.statementsPerOrder.off).toBeGreaterThan(6);
    expect(m.statementsPerOrder.on).toBeGreaterThan(m.statementsPerOrder.off);
    expect(m.growingTables.map((t) => t.table)).toEqual(['service.outbox', 'consumer.processed_events']);
    expect(m.growingTables[0]).toMatchObject({ rowsShort: 2, rowsLong: 5 });
    expect(m.extraInfrastructure).toEqual(['Outbox relay']);
    expect(m.readYourWrites).toBe(true);
    expect(m.run).toEqual({ variant: 'default', orders: [0, 40, 80, 1500, 3000], faults: [], idempotentConsumer: false, step: null });
  });

  it('says which table grows without saying what it is, rather than leaving it out', async () => {
    const without = new Map(housekeeping);
    without.delete('service.outbox');
    await expect(measureRow(postgres.db, PATTERNS['outbox-polling'], 'default', 1, without)).rejects.toThrow(MissingHousekeeping);
  });

  it('sees that a service reading its own events answers before its own table has the order', async () => {
    expect((await measureRow(postgres.db, PATTERNS['listen-to-yourself'], 'default', 1, housekeeping)).readYourWrites).toBe(false);
    expect((await measureRow(postgres.db, PATTERNS['cdc-table'], 'default', 1, housekeeping)).readYourWrites).toBe(true);
  });
});
