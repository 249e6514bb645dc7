/**
 * Competing relays: several relay instances share one outbox. Each claims rows with a single
 * `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING …`, so no two hold the
 * same row, then publishes and marks them. Work spreads across instances — and so does order: two
 * events of one order claimed by two relays reach the broker in whichever order the relays get
 * there. A claim is a lease: a relay that crashes holding rows loses them only until the lease
 * runs out; then another relay (or itself, restarted) claims them again.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../kernel/pattern';
import type { SqlRunner } from '../kernel/traced-database';
import type { TableSnapshot } from '../kernel/types';
import { markOutboxRow, publishOutboxRow, relayName, type OutboxRow, type RelayContext } from './outbox-relay';
import { outboxOrders } from './orders-concerned';
import { CRASHED_STATE, restartOperation } from './process';
import { leaseExpired, leaseUntil, skipLockedClaim } from './skip-locked-claim';

/** Rows per claim. One, so the two relays share even a short burst of events, as a busy outbox would. */
export const CLAIM_LIMIT = 1;
/** How long a claim holds before another relay may take the row over (simulated ms). */
export const CLAIM_LEASE_MS = 1000;

/** Columns the outbox needs for claims (added to the shared outbox table by the variant's schema). */
export const OUTBOX_CLAIM_COLUMNS = 'ALTER TABLE service.outbox ADD COLUMN claimed_by text, ADD COLUMN claimed_at timestamptz';

type ClaimingRelayEvent =
  | { type: 'CLAIMED'; rows: OutboxRow[] }
  | { type: 'EMPTY' }
  | { type: 'HELD_BY_OTHERS' }
  | { type: 'CLAIM_FAILED' }
  | { type: 'PUBLISHED' }
  | { type: 'PUBLISH_FAILED' }
  | { type: 'MARKED' }
  | { type: 'MARK_FAILED' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

const claimTransitions = {
  CLAIMED: { target: 'publishing', actions: 'takeRows' },
  EMPTY: { target: 'idle', reenter: true },
  // Unpublished rows exist but someone holds their lease: look again later, do not call it a day.
  HELD_BY_OTHERS: { target: 'sleeping', reenter: true },
  CLAIM_FAILED: { target: 'sleeping', reenter: true },
} as const;

const afterMark = [
  { guard: 'moreInBatch', target: 'publishing', actions: 'nextRow' },
  // While there was work, claim again at once rather than after a poll interval.
  { target: 'claiming', actions: 'clearBatch' },
] as const;

export const claimingRelayMachine = setup({
  types: { context: {} as RelayContext, events: {} as ClaimingRelayEvent },
  guards: { moreInBatch: ({ context }) => context.batch.length > 1 },
  actions: {
    takeRows: assign(({ event }) => (event.type === 'CLAIMED' ? { batch: event.rows } : {})),
    nextRow: assign({ batch: ({ context }) => context.batch.slice(1) }),
    clearBatch: assign({ batch: [] }),
  },
}).createMachine({
  id: 'claiming-relay',
  context: { batch: [] },
  initial: 'idle',
  states: {
    idle: { tags: ['polled-empty'], meta: { op: 'claim', delay: 'relayPollMs' }, on: claimTransitions },
    claiming: { meta: { op: 'claim' }, on: claimTransitions },
    sleeping: { meta: { op: 'claim', delay: 'relayPollMs' }, on: claimTransitions },
    // A failed publish keeps the claim: the row comes back when the lease runs out.
    publishing: { meta: { op: 'publish' }, on: { PUBLISHED: 'marking', PUBLISH_FAILED: { target: 'sleeping', actions: 'clearBatch' } } },
    marking: { meta: { op: 'mark' }, on: { MARKED: afterMark, MARK_FAILED: afterMark } },
    [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'sleeping', actions: 'clearBatch' } } },
  },
  on: { CRASH: `.${CRASHED_STATE}` },
});

const claim: Operation<RelayContext> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'claiming outbox rows',
  async run(ctx) {
    const now = ctx.timestamp();
    const claimed = await ctx.db.statement<OutboxRow>(
      `${ctx.actor} claims rows`,
      skipLockedClaim({
        table: 'service.outbox',
        set: 'claimed_by = $1, claimed_at = $2',
        claimable: `published = false AND (claimed_by IS NULL OR ${leaseExpired('claimed_at', '$2', '$3')})`,
        orderBy: 'id',
        limit: '$4',
        returning: 'id, event_id, aggregate_id, event_type',
      }),
      [ctx.actor, now, CLAIM_LEASE_MS, CLAIM_LIMIT],
    );
    if (!claimed.ok) return { event: { type: 'CLAIM_FAILED' }, caption: `The ${relayName(ctx.actor)} fails to claim outbox rows.` };
    // RETURNING promises no order; publish what was claimed in id order.
    const rows = [...claimed.value.rows].sort((a, b) => Number(a.id) - Number(b.id));
    if (rows.length > 0) {
      return {
        event: { type: 'CLAIMED', rows },
        orders: outboxOrders(rows),
        caption: `The ${relayName(ctx.actor)} claims outbox row${rows.length === 1 ? '' : 's'} ${rows.map((r) => r.id).join(', ')} (${rows.map((r) => r.event_type).join(', ')}).`,
      };
    }
    const pending = await ctx.db.statement<{ leased: number }>(
      'count rows leased by others',
      'SELECT count(*)::int AS leased FROM service.outbox WHERE published = false',
    );
    if (pending.ok && Number(pending.value.rows[0]!.leased) > 0) {
      return { event: { type: 'HELD_BY_OTHERS' }, caption: `The ${relayName(ctx.actor)} finds every unpublished row under someone's lease.` };
    }
    return { event: { type: 'EMPTY' }, caption: `The ${relayName(ctx.actor)} finds nothing to claim.` };
  },
};

/** The claims as the outbox holds them, with when each lease runs out. */
export async function claimsInspection(runner: SqlRunner): Promise<TableSnapshot> {
  const rows = (
    await runner.query<Record<string, string | number | null>>(
      `SELECT id AS outbox_id, event_type, aggregate_id, claimed_by,
              ${leaseUntil('claimed_at', '$1')} AS lease_until
       FROM service.outbox WHERE published = false AND claimed_by IS NOT NULL ORDER BY id`,
      [CLAIM_LEASE_MS],
    )
  ).rows;
  return {
    name: 'claims',
    note: `Unpublished rows some relay has claimed. After ${CLAIM_LEASE_MS} ms the lease runs out and any relay may claim the row again.`,
    columns: ['outbox_id', 'event_type', 'aggregate_id', 'claimed_by', 'lease_until'],
    rows,
  };
}

export function claimingRelayProcess(id: string, label: string): ProcessSpec {
  return {
    id,
    machine: claimingRelayMachine,
    operations: { claim, publish: publishOutboxRow, mark: markOutboxRow, restart: restartOperation(label) },
  };
}
