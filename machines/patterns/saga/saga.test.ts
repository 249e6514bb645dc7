import { describe, expect, it } from 'vitest';
import type { RunResult, TableRow } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as saga } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of saga this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, saga);
const sagas = () => lab(postgres.db, 'saga');

const table = (result: RunResult, name: string, at = -1): TableRow[] => result.snapshots!.at(at)!.tables.find((t) => t.name === name)!.rows;
const inspection = (result: RunResult, name: string, at = -1): TableRow[] => result.snapshots!.at(at)!.inspections!.find((t) => t.name === name)!.rows;
const log = (result: RunResult, sagaId: string) =>
  table(result, 'service.saga_log')
    .filter((r) => r.saga_id === sagaId)
    .sort((a, b) => Number(a.seq) - Number(b.seq))
    .map((r) => `${r.step} ${r.status}`);
const captions = (result: RunResult) => result.steps.map((s) => s.caption);

describe('saga', () => {
  it('confirms order 1 and compensates order 2, whose card is declined, with no fault at all', async () => {
    const result = await sagas().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(table(result, 'service.orders').map((r) => [r.id, r.status])).toEqual([
      [1, 'CONFIRMED'],
      [2, 'CANCELLED'],
    ]);
    expect(log(result, 'saga-1')).toEqual(['begin started', 'reserve-stock started', 'reserve-stock done', 'charge-payment started', 'charge-payment done', 'confirm-order done']);
    expect(log(result, 'saga-2')).toEqual([
      'begin started',
      'reserve-stock started',
      'reserve-stock done',
      'charge-payment started',
      'charge-payment failed',
      // Undone too, though refused: an earlier attempt could have charged. Here there is nothing to refund.
      'refund-payment started',
      'refund-payment done',
      'release-stock started',
      'release-stock done',
      'cancel-order done',
    ]);
    expect(captions(result)).toContain('The payment service answers refund-payment for order 2: 0 refunded.');
    // The decline is the card's real CHECK: more than is left, rolled back with the charge row.
    const declined = result.trace.find((e) => e.label === 'charge-payment for order 2')!;
    expect(declined.from).toBe('payment');
    expect(declined.ok).toBe(false);
    expect(declined.sql!.at(-1)).toBe('ROLLBACK');
    expect(table(result, 'payment.charges').map((r) => [r.order_id, r.status])).toEqual([[1, 'CHARGED']]);
    expect(table(result, 'stock.reservations').map((r) => [r.order_id, r.status])).toEqual([
      [1, 'RESERVED'],
      [2, 'RELEASED'],
    ]);
    expect(table(result, 'stock.items')).toEqual([{ sku: 'sku-1', available: 9 }]);
  });

  it('commits the order\'s last step and its log entry in one transaction', async () => {
    const result = await sagas().run({ captureSnapshots: true });
    const confirm = result.trace.find((e) => e.label === 'confirm-order 1 + log')!;
    expect(confirm.sql!.map((q) => q.split(' ').slice(0, 3).join(' '))).toEqual(['BEGIN', 'UPDATE service.orders SET', 'INSERT INTO service.saga_log', 'COMMIT']);
  });

  it('lets another reader see the saga half-way: stock taken for an order still PENDING', async () => {
    const result = await sagas().run({ captureSnapshots: true });
    const reads = inspection(result, 'storefront reads');
    expect(reads).toContainEqual({ t_ms: 52, orders: '1 PENDING, 2 PENDING', stock_available: 9 });
    // Order 2's item was taken while its charge was pending, then put back when it was declined.
    expect(reads).toContainEqual({ t_ms: 105, orders: '1 CONFIRMED, 2 PENDING', stock_available: 8 });
    expect(reads.at(-1)).toMatchObject({ orders: '1 CONFIRMED, 2 CANCELLED', stock_available: 9 });
  });

  it('resumes from the log after an orchestrator crash, calling the unanswered step again with the same key', async () => {
    const result = await sagas().crash('orchestrator.record-step:2').idempotent().run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['duplicate-delivery', 'order 1']]);
    expect(captions(result)).toContain('The orchestrator resumes saga-1: charge-payment started, no answer logged.');
    expect(captions(result)).toContain('The payment service answers charge-payment for order 1: already-charged.');
    expect(table(result, 'payment.charges').map((r) => [r.idempotency_key, r.requests, r.status])).toEqual([['saga-1/charge-payment', 2, 'CHARGED']]);
  });

  it('charges twice when every retry carries a new idempotency key', async () => {
    const result = await sagas().fault('commit-unknown', 'orchestrator.charge-payment:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['duplicate-delivery', 'order 1'],
      ['duplicate-effect', 'order 1'],
    ]);
    expect(table(result, 'payment.charges').map((r) => [r.order_id, r.status])).toEqual([
      [1, 'CHARGED'],
      [1, 'CHARGED'],
    ]);
  });

  it('retries a compensation that fails until it holds', async () => {
    const result = await sagas().fault('db-unavailable', 'orchestrator.release-stock:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(captions(result)).toContain('release-stock for order 2 gets no answer; it will be retried.');
    expect(result.steps.filter((s) => s.operation === 'release-stock')).toHaveLength(2);
    expect(table(result, 'service.orders').map((r) => r.status)).toEqual(['CONFIRMED', 'CANCELLED']);
  });

  it('refunds and releases both when the order refuses to be confirmed, and retries a failed refund', async () => {
    const result = await sagas().fault('db-write-fails', 'orchestrator.confirm-order:1').fault('db-unavailable', 'orchestrator.refund-payment:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(log(result, 'saga-1').slice(-6)).toEqual([
      'confirm-order failed',
      'refund-payment started',
      'refund-payment done',
      'release-stock started',
      'release-stock done',
      'cancel-order done',
    ]);
    expect(result.steps.filter((s) => s.operation === 'refund-payment' && s.facts.orders.includes(1))).toHaveLength(2);
    expect(table(result, 'payment.cards').find((r) => r.customer === 'customer-1')).toEqual({ customer: 'customer-1', available_cents: 5000 });
  });

  it('never leaves a saga half-done while compensations are retried', () => {
    const runs = exploration.explored.runs.filter((r) => r.variant === 'default');
    expect(runs.length).toBeGreaterThan(100);
    for (const run of runs) expect(run.anomalies, JSON.stringify(run.faults)).not.toContain('half-done');
  });
});

describe('saga, run twice', () => {
  it('gives the same trace, snapshots and outcome for the same seed and faults', async () => {
    for (const seed of [1, 2, 3]) {
      const scenario = () => sagas().seed(seed).orders(0, 3, 7).fault('commit-unknown', 'orchestrator.charge-payment:1');
      const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
      // Another pattern in between: the schemas are rebuilt, and ids and stock must start afresh.
      await lab(postgres.db, 'outbox-polling').run();
      const second = JSON.stringify(await scenario().run({ captureSnapshots: true }));
      expect(second, `seed ${seed}`).toBe(first);
    }
  });
});

describe('saga, compensation tried once', () => {
  const once = () => sagas().variant('no-retry-compensation');

  it('leaves order 2 PENDING with its stock held when the release fails once', async () => {
    const result = await once().fault('db-unavailable', 'orchestrator.release-stock:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['half-done', 'order 2']]);
    expect(result.outcome.anomalies[0]!.evidence.map((e) => e.ref)).toEqual(['service.orders id=2', 'stock.reservations id=2']);
    expect(log(result, 'saga-2').at(-1)).toBe('release-stock gave-up');
    expect(table(result, 'stock.items')).toEqual([{ sku: 'sku-1', available: 8 }]);
  });

  it('leaves the saga half-done only where a compensation failed', () => {
    const halfDone = exploration.explored.runs.filter((r) => r.variant === 'no-retry-compensation' && r.anomalies.includes('half-done'));
    expect(new Set(halfDone.map((r) => `${r.faults[0]!.kind}@${r.faults[0]!.at.replace(/:\d+$/, '')}`))).toEqual(
      new Set(['db-unavailable@orchestrator.refund-payment', 'commit-unknown@orchestrator.refund-payment', 'db-unavailable@orchestrator.release-stock', 'commit-unknown@orchestrator.release-stock']),
    );
  });
});

describeExplorationClaims(exploration, anomalyProfile);
