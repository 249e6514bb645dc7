/**
 * The stock service, a saga participant with its own database (the `stock` schema stands in for
 * it): it reserves an item for an order and releases it again as a compensation. Each command
 * carries an idempotency key, and the service keeps it on the reservation (unique), so a command
 * retried with the same key lands on the row it made before instead of reserving twice. The
 * orchestrator calls it directly: the lab runs each call as the service's own local transaction.
 */
import type { Transaction } from '../kernel/traced-database';

export const STOCK_PARTICIPANT = 'stock';
export const STOCK_SKU = 'sku-1';
/** Enough for every order a run places, so only a fault makes a reservation fail. */
export const STOCK_ON_HAND = 10;

export const STOCK_TABLES = [
  // available can never go below zero: a reservation for more than is left is refused.
  `CREATE TABLE stock.items (
    sku text PRIMARY KEY,
    available integer NOT NULL CHECK (available >= 0)
  )`,
  `CREATE TABLE stock.reservations (
    id serial PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    saga_id text NOT NULL,
    order_id integer NOT NULL,
    sku text NOT NULL REFERENCES stock.items (sku),
    quantity integer NOT NULL CHECK (quantity > 0),
    status text NOT NULL CHECK (status IN ('RESERVED', 'RELEASED')),
    requests integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    released_at timestamptz
  )`,
];

/** The stock on hand at the start of every run: set up outside the trace, as a warehouse would have it. */
export const STOCK_SEED_SQL = `INSERT INTO stock.items (sku, available) VALUES ('${STOCK_SKU}', ${STOCK_ON_HAND})`;

export interface ReserveCommand {
  idempotencyKey: string;
  sagaId: string;
  orderId: number;
  quantity: number;
}

/** Whether the reservation was made now, or the key had made it already. */
export type Reserved = 'reserved' | 'already-reserved';

/**
 * Reserve: the reservation row first (a known key only counts the repeat), then the stock it
 * takes. A quantity above what is left breaks `available >= 0`, and the whole transaction rolls back.
 */
export async function reserveStock(tx: Transaction, command: ReserveCommand, at: string): Promise<Reserved> {
  const inserted = await tx.query(
    `INSERT INTO stock.reservations (idempotency_key, saga_id, order_id, sku, quantity, status, created_at)
     VALUES ($1, $2, $3, $4, $5, 'RESERVED', $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [command.idempotencyKey, command.sagaId, command.orderId, STOCK_SKU, command.quantity, at],
  );
  if (inserted.rows.length === 0) {
    await tx.query('UPDATE stock.reservations SET requests = requests + 1 WHERE idempotency_key = $1', [command.idempotencyKey]);
    return 'already-reserved';
  }
  await tx.query('UPDATE stock.items SET available = available - $2 WHERE sku = $1', [STOCK_SKU, command.quantity]);
  return 'reserved';
}

/** Release (the compensation): every reservation of the saga still held goes back on the shelf. Idempotent by its WHERE. */
export async function releaseStock(tx: Transaction, sagaId: string, at: string): Promise<number> {
  const released = await tx.query<{ quantity: number }>(
    "UPDATE stock.reservations SET status = 'RELEASED', released_at = $2 WHERE saga_id = $1 AND status = 'RESERVED' RETURNING quantity",
    [sagaId, at],
  );
  const quantity = released.rows.reduce((n, r) => n + Number(r.quantity), 0);
  if (quantity > 0) await tx.query('UPDATE stock.items SET available = available + $2 WHERE sku = $1', [STOCK_SKU, quantity]);
  return released.rows.length;
}
