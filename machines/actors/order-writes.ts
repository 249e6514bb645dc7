/** The order insert every pattern with an `orders` table shares. */
import type { OperationContext } from '../kernel/pattern';
import type { Transaction } from '../kernel/traced-database';
import type { OrderRequest } from './client';

/**
 * The amount written for a request. Under `db-write-fails` the request carries a negative amount,
 * so the real CHECK constraint on `orders.amount_cents` rejects it and Postgres really rolls back.
 * Call it where the order is written: this is where `db-write-fails` takes effect.
 */
export function amountFor(request: OrderRequest, ctx: Pick<OperationContext<unknown>, 'faultHere'>): number {
  return ctx.faultHere('db-write-fails') ? -request.amountCents : request.amountCents;
}

export async function insertOrder(tx: Transaction, request: OrderRequest, amountCents: number, at: string): Promise<void> {
  await tx.query('INSERT INTO service.orders (id, customer, amount_cents, created_at) VALUES ($1, $2, $3, $4)', [
    request.orderId,
    request.customer,
    amountCents,
    at,
  ]);
}
