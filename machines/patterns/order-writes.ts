/** The order insert every pattern with an `orders` table shares. */
import type { Transaction } from '../kernel/traced-database';
import type { ArmedFault } from '../kernel/types';
import type { OrderRequest } from '../actors/client';

/**
 * The amount written for a request. Under `db-write-fails` the request carries a negative amount,
 * so the real CHECK constraint on `orders.amount_cents` rejects it and Postgres really rolls back.
 */
export function amountFor(request: OrderRequest, fault: ArmedFault | undefined): number {
  return fault?.kind === 'db-write-fails' ? -request.amountCents : request.amountCents;
}

export async function insertOrder(tx: Transaction, request: OrderRequest, amountCents: number, at: string): Promise<void> {
  await tx.query('INSERT INTO service.orders (id, customer, amount_cents, created_at) VALUES ($1, $2, $3, $4)', [
    request.orderId,
    request.customer,
    amountCents,
    at,
  ]);
}
