/**
 * The payment service, a saga participant with its own database (the `payment` schema stands in
 * for it): it charges an order's amount and refunds it as a compensation. Like a card API
 * (Stripe's `Idempotency-Key` header), it remembers each request's key: a request repeated with
 * the same key gets the charge it made before, not a second one. A request with a new key is a
 * new charge, whatever the caller meant. Each customer's card has a balance it cannot go below:
 * every second customer's is nearly used up, so some orders are declined with no fault at all.
 */
import type { Transaction } from '../kernel/traced-database';

export const PAYMENT_PARTICIPANT = 'payment';

/** Cards for this many customers are set up before each run. */
const CUSTOMERS_WITH_CARDS = 50;

export const PAYMENT_TABLES = [
  // A charge above what is left on the card breaks `available_cents >= 0`: declined.
  `CREATE TABLE payment.cards (
    customer text PRIMARY KEY,
    available_cents integer NOT NULL CHECK (available_cents >= 0)
  )`,
  `CREATE TABLE payment.charges (
    id serial PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    saga_id text NOT NULL,
    order_id integer NOT NULL,
    customer text NOT NULL REFERENCES payment.cards (customer),
    amount_cents integer NOT NULL CHECK (amount_cents > 0),
    status text NOT NULL CHECK (status IN ('CHARGED', 'REFUNDED')),
    requests integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    refunded_at timestamptz
  )`,
];

/** Odd customers have 50 EUR left, even ones 10 EUR: order 2 (15 EUR) is declined. */
export const PAYMENT_SEED_SQL = `INSERT INTO payment.cards (customer, available_cents)
  SELECT 'customer-' || n, CASE WHEN n % 2 = 0 THEN 1000 ELSE 5000 END FROM generate_series(1, ${CUSTOMERS_WITH_CARDS}) AS n`;

export interface ChargeCommand {
  idempotencyKey: string;
  sagaId: string;
  orderId: number;
  customer: string;
  amountCents: number;
}

export type Charged = 'charged' | 'already-charged';

/**
 * Charge: a new key makes a charge and takes it off the card; a known one only counts the repeat.
 * A non-positive amount, or more than the card has left, breaks a CHECK: declined, all rolled back.
 */
export async function chargePayment(tx: Transaction, command: ChargeCommand, at: string): Promise<Charged> {
  const inserted = await tx.query(
    `INSERT INTO payment.charges (idempotency_key, saga_id, order_id, customer, amount_cents, status, created_at)
     VALUES ($1, $2, $3, $4, $5, 'CHARGED', $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [command.idempotencyKey, command.sagaId, command.orderId, command.customer, command.amountCents, at],
  );
  if (inserted.rows.length > 0) {
    await tx.query('UPDATE payment.cards SET available_cents = available_cents - $2 WHERE customer = $1', [command.customer, command.amountCents]);
    return 'charged';
  }
  await tx.query('UPDATE payment.charges SET requests = requests + 1 WHERE idempotency_key = $1', [command.idempotencyKey]);
  return 'already-charged';
}

/** Refund (the compensation): every charge of the saga not yet refunded, back onto the card. Idempotent by its WHERE. */
export async function refundPayment(tx: Transaction, sagaId: string, at: string): Promise<number> {
  const refunded = await tx.query<{ customer: string; amount_cents: number }>(
    "UPDATE payment.charges SET status = 'REFUNDED', refunded_at = $2 WHERE saga_id = $1 AND status = 'CHARGED' RETURNING customer, amount_cents",
    [sagaId, at],
  );
  for (const charge of refunded.rows) {
    await tx.query('UPDATE payment.cards SET available_cents = available_cents + $2 WHERE customer = $1', [charge.customer, charge.amount_cents]);
  }
  return refunded.rows.length;
}
