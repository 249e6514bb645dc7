import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANOMALY_IDS } from '../kernel/vocabulary';
import { tradeOffLine } from './summary';
import type { CompareRow } from './types';

const base = (): CompareRow => ({
  pattern: 'outbox-polling',
  variant: 'default',
  title: 'Outbox',
  variantLabel: 'Poll',
  hasConsumer: true,
  runs: 10,
  anomalies: Object.fromEntries(ANOMALY_IDS.map((id) => [id, { off: 0, on: 0 }])) as CompareRow['anomalies'],
  unsettled: { off: 0, on: 0 },
  byFaultKind: {},
  worst: { off: 'none', on: 'none' },
  traits: { needsIdempotentConsumer: true, orderJudged: true, orderPerKey: true, blocks: false, losesOrInvents: false },
  measures: {
    simulated: true,
    run: { variant: 'default', orders: [0], faults: [], idempotentConsumer: false, step: null },
    runIdempotent: null,
    effect: 'shipment',
    commitToEffectMs: { median: 448, max: 508, samples: 5 },
    statementsPerOrder: { off: 9, on: 10 },
    roundTripsPerOrder: { off: 4, on: 4 },
    growingTables: [{ table: 'service.outbox', rowsShort: 2, rowsLong: 5, housekeeping: 'delete' }, { table: 'consumer.processed_events', rowsShort: 2, rowsLong: 5, housekeeping: 'delete' }],
    participants: 6,
    extraInfrastructure: ['Outbox relay'],
    readYourWrites: true,
  },
});

describe("a card's trade-off line", () => {
  it('says what the row risks and costs, from its own figures', () => {
    expect(tradeOffLine(base())).toBe('Never loses an event · needs an idempotent consumer · 448 ms to the effect (simulated) · runs an outbox relay · outbox needs housekeeping');
    const losing = base();
    losing.traits.losesOrInvents = true;
    losing.anomalies['lost-event'] = { off: 3, on: 3 };
    losing.measures.extraInfrastructure = [];
    expect(tradeOffLine(losing)).toMatch(/^Can lose events · /);
    expect(tradeOffLine(losing)).not.toMatch(/runs /);
  });

  const built = new URL('../../public/generated/compare/data.json', import.meta.url);
  // `npm test` builds first, so in CI the file is there.
  it.skipIf(!existsSync(built))('is there for every default form the build compared', () => {
    const data = JSON.parse(readFileSync(built, 'utf8')) as { rows: CompareRow[] };
    for (const row of data.rows.filter((r) => r.variant === 'default')) expect(tradeOffLine(row).length, row.pattern).toBeGreaterThan(10);
  });
});
