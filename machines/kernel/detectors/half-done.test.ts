/**
 * The half-done detector on its own, against participants' tables given as data: each of the two
 * fates an order may end in, and each way of missing them.
 */
import { describe, expect, it } from 'vitest';
import type { ParticipantEffect, SagaOrder, SagaSources } from '../outcome-sources';
import { participantDuplicates } from './duplicates';
import { halfDone } from './half-done';

const order = (orderId: number, status: string): SagaOrder => ({
  orderId,
  ref: `service.orders id=${orderId}`,
  status,
  fate: status === 'CONFIRMED' ? 'confirmed' : status === 'CANCELLED' ? 'cancelled' : null,
});
const effect = (participant: string, orderId: number, held: boolean, id: number, requests = 1): ParticipantEffect => ({
  ref: `${participant}.rows id=${id}`,
  participant,
  what: participant === 'stock' ? 'a reservation of 1 item' : 'a charge of 12.50 EUR',
  orderId,
  held,
  requests,
});
const sources = (orders: SagaOrder[], effects: ParticipantEffect[]): SagaSources => ({
  downstream: 'saga',
  truth: { kind: 'table', table: 'service.orders', orders: async () => orders.map((o) => o.orderId) },
  participants: ['stock', 'payment'],
  sagaOrders: async () => orders,
  effects: async () => effects,
});

describe('half-done', () => {
  it('accepts a confirmed order every participant holds, and a cancelled one none holds', async () => {
    const found = await halfDone(sources([order(1, 'CONFIRMED'), order(2, 'CANCELLED')], [effect('stock', 1, true, 1), effect('payment', 1, true, 1), effect('stock', 2, false, 2)]), []);
    expect(found).toEqual([]);
  });

  it('finds an order still open, whatever is held for it', async () => {
    const found = await halfDone(sources([order(1, 'PENDING'), order(2, 'PENDING')], [effect('stock', 1, true, 1), effect('stock', 2, false, 2)]), []);
    expect(found.map((a) => a.subject)).toEqual(['order 1', 'order 2']);
    expect(found[0]!.why).toBe('Order 1 is still PENDING, yet the stock service holds a reservation of 1 item: its saga stopped part-way, neither finished nor undone.');
    expect(found[1]!.why).toBe('Order 2 is still PENDING: its saga stopped, neither finished nor undone.');
  });

  it('finds a cancelled order still charged, and a confirmed one a participant undid', async () => {
    const found = await halfDone(sources([order(1, 'CANCELLED'), order(2, 'CONFIRMED')], [effect('payment', 1, true, 1), effect('stock', 2, true, 2), effect('payment', 2, false, 3)]), []);
    expect(found.map((a) => [a.subject, a.evidence.map((e) => e.ref)])).toEqual([
      ['order 1', ['service.orders id=1', 'payment.rows id=1']],
      ['order 2', ['service.orders id=2', 'stock.rows id=2', 'payment.rows id=3', 'payment']],
    ]);
  });

  it('finds an effect held for an order the order service does not have', async () => {
    const found = await halfDone(sources([], [effect('payment', 7, true, 1)]), []);
    expect(found.map((a) => [a.id, a.subject])).toEqual([['half-done', 'order 7']]);
  });
});

describe('participant duplicates', () => {
  it('tells a recognised repeat (one row asked twice) from a second effect (two rows)', async () => {
    const found = await participantDuplicates(sources([order(1, 'CONFIRMED'), order(2, 'CONFIRMED')], [effect('payment', 1, true, 1, 2), effect('payment', 2, true, 2), effect('payment', 2, true, 3)]), []);
    expect(found.map((a) => [a.id, a.subject])).toEqual([
      ['duplicate-delivery', 'order 1'],
      ['duplicate-delivery', 'order 2'],
      ['duplicate-effect', 'order 2'],
    ]);
    expect(found[0]!.why).toMatch(/It kept one effect, so the repeat did no harm\.$/);
  });

  it('no longer counts a second effect a compensation undid', async () => {
    const found = await participantDuplicates(sources([order(1, 'CANCELLED')], [effect('payment', 1, false, 1), effect('payment', 1, false, 2)]), []);
    expect(found.map((a) => a.id)).toEqual(['duplicate-delivery']);
  });
});
