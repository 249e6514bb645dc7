/**
 * Where the checker finds a saga's outcome: each order's fate in the order service's table, and
 * each participant's effects in its own tables (reservations, charges). The saga log is the
 * orchestrator's bookkeeping; the checker judges what the services hold, not what the log says.
 */
import type { InspectionSources } from '../../kernel/pattern';
import type { ParticipantEffect, SagaOrder, SagaSources } from '../../kernel/outcome-sources';
import { PAYMENT_PARTICIPANT } from '../../actors/payment-service';
import { STOCK_PARTICIPANT } from '../../actors/stock-service';

const FATES: Record<string, SagaOrder['fate']> = { CONFIRMED: 'confirmed', CANCELLED: 'cancelled' };

export function sagaOutcome({ runner }: InspectionSources): SagaSources {
  const orderIds = async () => (await runner.query<{ id: number }>('SELECT id FROM service.orders ORDER BY id')).rows.map((r) => Number(r.id));
  return {
    downstream: 'saga',
    truth: { kind: 'table', table: 'service.orders', orders: orderIds },
    participants: [STOCK_PARTICIPANT, PAYMENT_PARTICIPANT],
    async sagaOrders() {
      const rows = (await runner.query<{ id: number; status: string }>('SELECT id, status FROM service.orders ORDER BY id')).rows;
      return rows.map((r) => ({ orderId: Number(r.id), ref: `service.orders id=${r.id}`, status: r.status, fate: FATES[r.status] ?? null }));
    },
    async effects(): Promise<ParticipantEffect[]> {
      const reservations = (
        await runner.query<{ id: number; order_id: number; quantity: number; status: string; requests: number }>(
          'SELECT id, order_id, quantity, status, requests FROM stock.reservations ORDER BY id',
        )
      ).rows.map((r) => ({
        ref: `stock.reservations id=${r.id}`,
        participant: STOCK_PARTICIPANT,
        what: `a reservation of ${r.quantity} ${Number(r.quantity) === 1 ? 'item' : 'items'}`,
        orderId: Number(r.order_id),
        held: r.status === 'RESERVED',
        requests: Number(r.requests),
      }));
      const charges = (
        await runner.query<{ id: number; order_id: number; amount_cents: number; status: string; requests: number }>(
          'SELECT id, order_id, amount_cents, status, requests FROM payment.charges ORDER BY id',
        )
      ).rows.map((r) => ({
        ref: `payment.charges id=${r.id}`,
        participant: PAYMENT_PARTICIPANT,
        what: `a charge of ${(Number(r.amount_cents) / 100).toFixed(2)} EUR`,
        orderId: Number(r.order_id),
        held: r.status === 'CHARGED',
        requests: Number(r.requests),
      }));
      return [...reservations, ...charges];
    },
  };
}
