/**
 * Cache-aside in front of Postgres: the story `cache-set` and `cache-delete` share, told by two
 * pattern folders that differ only in what a writer does to the cache after its commit.
 *
 * - Writers (`writers.ts`, two instances of one order service, `service` and `service-2`) update an
 *   order in one transaction and, once it has committed, touch the cache in a step of their own:
 *   SET the row they wrote, or DEL the key. Between the commit and that call anything can happen
 *   (a crash, a refused call, a long pause), which is the whole point of the lab.
 * - The reader (`reader.ts`) looks in the cache first; on a miss it reads Postgres and fills the
 *   cache with what it read, again in a step of its own, so a pause between its SELECT and its SET
 *   can be armed.
 *
 * The cached value is the row as JSON, `{ id, amount_cents, version }`: the checker judges every
 * value the cache served against `service.orders.version` at the time (`truth.ts`).
 */
import type { SqlRunner } from '../../kernel/traced-database';
import type { ScheduledRequest } from '../../actors/client';
import { SERVICE_PARTICIPANT } from '../../actors/order-service';

export const SECOND_WRITER_PARTICIPANT = 'service-2';
export const READER_PARTICIPANT = 'reader';

/** Participant labels; captions use them lower-cased ("The second writer commits…"). */
export const WRITER_LABEL = 'Writer';
export const SECOND_WRITER_LABEL = 'Second writer';
export const READER_LABEL = 'Reader';

/** Orders carry a version that every update bumps: the cache's copy says which one it is. */
export const VERSIONED_ORDERS_TABLE = `CREATE TABLE service.orders (
  id integer PRIMARY KEY,
  customer text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  version integer NOT NULL,
  updated_at timestamptz NOT NULL
)`;

/** The one order of the story; it exists before the run starts. */
export const STORY_ORDER = { id: 1, customer: 'customer-1', amountCents: 1000 } as const;

/**
 * The story's timeline, in simulated ms. The reader reads before, between and after the two
 * writes, and once more well after a 2 s pause would have ended, so a stale value left behind
 * is seen being served. The writes are far enough apart that, without faults, each has finished
 * before the next read.
 */
export const READ_TIMES = [0, 200, 400, 2500] as const;
export const WRITE_SCRIPT: ScheduledRequest[] = [
  { at: 100, request: { orderId: STORY_ORDER.id, customer: STORY_ORDER.customer, amountCents: 2000, kind: 'change', via: SERVICE_PARTICIPANT } },
  { at: 300, request: { orderId: STORY_ORDER.id, customer: STORY_ORDER.customer, amountCents: 3000, kind: 'change', via: SECOND_WRITER_PARTICIPANT } },
];

/** Puts order 1 at version 1 in Postgres before the first step, outside the trace. */
export async function insertStoryOrder(runner: SqlRunner, at: string): Promise<void> {
  await runner.query('INSERT INTO service.orders (id, customer, amount_cents, version, updated_at) VALUES ($1, $2, $3, 1, $4)', [
    STORY_ORDER.id,
    STORY_ORDER.customer,
    STORY_ORDER.amountCents,
    at,
  ]);
}


export interface CachedOrder {
  id: number;
  amount_cents: number;
  version: number;
}

export function cacheKey(orderId: number): string {
  return `order:${orderId}`;
}

export function cacheValue(order: CachedOrder): string {
  return JSON.stringify({ id: order.id, amount_cents: order.amount_cents, version: order.version });
}

/** The order in a cached value, or null when the value is not one (never written by this lab). */
export function parseCachedOrder(value: string): CachedOrder | null {
  try {
    const parsed = JSON.parse(value) as Partial<CachedOrder>;
    return typeof parsed.id === 'number' && typeof parsed.version === 'number' && typeof parsed.amount_cents === 'number'
      ? { id: parsed.id, amount_cents: parsed.amount_cents, version: parsed.version }
      : null;
  } catch {
    return null;
  }
}

export function euros(cents: number): string {
  return `${cents / 100} EUR`;
}

export function rowToOrder(row: Record<string, unknown>): CachedOrder {
  return { id: Number(row.id), amount_cents: Number(row.amount_cents), version: Number(row.version) };
}
