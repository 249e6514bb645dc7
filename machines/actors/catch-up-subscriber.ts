/**
 * A catch-up subscriber of the event store: it reads `$all` from a position it keeps in Postgres,
 * hands each event to its handler in a transaction, and moves its checkpoint on. When it has read
 * everything it waits on the store's long-poll wake-up, as the broker consumers do.
 *
 * Where the checkpoint is written is the whole story:
 * - in the same transaction as the effect, the effect and the position can never disagree: a crash
 *   before the commit loses both, a crash after it keeps both, and a restart catches up from the
 *   stored position without applying anything twice;
 * - in a transaction of its own after the effect (`checkpointAfter`), a crash or an error between
 *   the two leaves the effect applied and the position behind it, so the event comes again
 *   (at-least-once): the handler must then be idempotent, or it applies the event twice.
 *
 * On any error the subscriber drops what it had in memory and reloads its checkpoint from
 * Postgres, as a real subscription does when it restarts: only what Postgres holds is trusted.
 */
import { assign, setup } from 'xstate';
import type { Operation, OperationContext, ProcessSpec } from '../kernel/pattern';
import type { Transaction } from '../kernel/traced-database';
import type { TableSnapshot } from '../kernel/types';
import type { RecordedEvent } from './event-store';
import { firstOrder, ordersOf } from './orders-concerned';
import { CRASHED_STATE, lowerFirst, restartOperation } from './process';

/** Events read from `$all` in one go. */
export const READ_MAX = 10;

export interface CatchUpContext {
  /** The next global position to read; null until (re)loaded from the stored checkpoint. */
  position: number | null;
  /** The projection version the stored checkpoint belongs to (1 where nothing is versioned). */
  version: number;
  batch: RecordedEvent[];
}

type CatchUpEvent =
  | { type: 'LOADED'; position: number; version: number }
  | { type: 'LOAD_FAILED' }
  | { type: 'BATCH'; batch: RecordedEvent[] }
  | { type: 'EMPTY' }
  | { type: 'APPLIED'; position: number }
  | { type: 'APPLY_FAILED' }
  | { type: 'SAVED' }
  | { type: 'SAVE_FAILED' }
  | { type: 'MESSAGES_AVAILABLE' }
  /** An operator reset the checkpoint: forget the position in memory and load it again. */
  | { type: 'RESET' }
  | { type: 'CRASH' }
  | { type: 'RESTARTED' };

/** What the subscriber does with one event, inside the transaction the subscriber opens. */
export interface EventHandler {
  /** Whether the event concerns it at all; an event it ignores still moves the checkpoint. */
  relevant(event: RecordedEvent): boolean;
  /**
   * Statements for the effect; answers what it did as a phrase without its subject, for the
   * caption: "creates a shipment for order 1", "skips evt-1: already applied".
   */
  apply(tx: Transaction, event: RecordedEvent, ctx: OperationContext<CatchUpContext>): Promise<string>;
  /** The label of the transaction in the trace: "project OrderPlaced order-1@0". */
  label(event: RecordedEvent): string;
}

/** Where the subscriber keeps its position: a row `(name, position)` of a table of its own. */
export interface CheckpointTable {
  /** Schema-qualified, e.g. `service.projection_checkpoint`; from code, never from input. */
  table: string;
  name: string;
  /** Whether the table has a `projection_version` column (bumped by a rebuild). */
  versioned: boolean;
}

export interface CatchUpSubscriberOptions {
  id: string;
  /** The participant's label, for the restart caption. */
  label: string;
  /** How captions name it: "projector", "shipping subscriber". */
  who: string;
  checkpoint: CheckpointTable;
  /** Store the checkpoint in its own transaction after the effect, instead of with it. */
  checkpointAfter: boolean;
  handler: EventHandler;
  /** The group each handed-over event is counted under (the lab's instrument, see `recordDelivery`). */
  deliveryGroup(version: number): string;
}

/** The checkpoint upsert, run either inside the effect's transaction or on its own. */
function checkpointUpsert(table: string): string {
  return `INSERT INTO ${table} (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`;
}

export function createCatchUpMachine(options: Pick<CatchUpSubscriberOptions, 'id' | 'checkpointAfter'>) {
  const fresh = (): CatchUpContext => ({ position: null, version: 1, batch: [] });

  return setup({
    types: { context: {} as CatchUpContext, events: {} as CatchUpEvent },
    guards: {
      moreInBatch: ({ context }) => context.batch.length > 1,
      checkpointAfter: () => options.checkpointAfter,
    },
    actions: {
      takePosition: assign(({ event }) => (event.type === 'APPLIED' ? { position: event.position } : {})),
      nextInBatch: assign({ batch: ({ context }) => context.batch.slice(1) }),
      clearBatch: assign({ batch: [] }),
      forget: assign(fresh),
    },
  }).createMachine({
    id: options.id,
    context: fresh,
    initial: 'loading',
    states: {
      loading: {
        meta: { op: 'load-checkpoint' },
        on: {
          LOADED: { target: 'reading', actions: assign(({ event }) => ({ position: event.position, version: event.version, batch: [] })) },
          LOAD_FAILED: { target: 'loading', reenter: true },
        },
      },
      reading: {
        meta: { op: 'read' },
        on: {
          BATCH: { target: 'applying', actions: assign(({ event }) => ({ batch: event.batch })) },
          EMPTY: 'waiting',
        },
      },
      // Caught up: the read stays open until the store has something new (a long poll).
      waiting: { tags: ['idle'], on: { MESSAGES_AVAILABLE: 'reading' } },
      applying: {
        meta: { op: 'apply' },
        on: {
          APPLIED: [
            { guard: 'checkpointAfter', target: 'checkpointing', actions: 'takePosition' },
            { guard: 'moreInBatch', target: 'applying', actions: ['takePosition', 'nextInBatch'] },
            { target: 'reading', actions: ['takePosition', 'clearBatch'] },
          ],
          APPLY_FAILED: { target: 'loading', actions: 'forget' },
        },
      },
      checkpointing: {
        meta: { op: 'save-checkpoint' },
        on: {
          SAVED: [
            { guard: 'moreInBatch', target: 'applying', actions: 'nextInBatch' },
            { target: 'reading', actions: 'clearBatch' },
          ],
          SAVE_FAILED: { target: 'loading', actions: 'forget' },
        },
      },
      [CRASHED_STATE]: { meta: { op: 'restart', delay: 'restartMs' }, on: { RESTARTED: { target: 'loading', actions: 'forget' } } },
    },
    on: { CRASH: `.${CRASHED_STATE}`, RESET: { target: '.loading', actions: 'forget' } },
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function loadCheckpoint(options: CatchUpSubscriberOptions): Operation<CatchUpContext> {
  const { table, name, versioned } = options.checkpoint;
  return {
    faults: [],
    crashable: true,
    latencyMs: 2,
    intent: () => 'loading its checkpoint',
    async run(ctx) {
      const columns = versioned ? 'position, projection_version' : 'position';
      const result = await ctx.db.statement<{ position: number; projection_version?: number }>(
        `load ${options.who} checkpoint`,
        `SELECT ${columns} FROM ${table} WHERE name = $1`,
        [name],
      );
      if (!result.ok) return { event: { type: 'LOAD_FAILED' }, caption: `The ${options.who} cannot load its checkpoint and tries again.` };
      const row = result.value.rows[0];
      const position = row ? Number(row.position) : 0;
      const version = row?.projection_version != null ? Number(row.projection_version) : 1;
      return {
        event: { type: 'LOADED', position, version },
        caption: row ? `The ${options.who} loads its checkpoint: position ${position}.` : `The ${options.who} has no checkpoint yet and starts at position 0.`,
      };
    },
  };
}

function read(options: CatchUpSubscriberOptions): Operation<CatchUpContext> {
  return {
    faults: [],
    crashable: true,
    latencyMs: 3,
    intent: (context) => `reading $all from position ${context.position ?? 0}`,
    async run(ctx) {
      const from = ctx.context.position ?? 0;
      const batch = ctx.store.readAll(from, READ_MAX);
      if (batch.length === 0) {
        return { event: { type: 'EMPTY' }, caption: `The ${options.who} is caught up at position ${from} and waits.` };
      }
      // A later projection version reading from 0 is a rebuild: it replays the log from the start.
      const replay = from === 0 && ctx.context.version > 1;
      return {
        event: { type: 'BATCH', batch },
        orders: ordersOf(batch),
        caption: replay
          ? `The ${options.who} replays the log: ${plural(batch.length, 'event')} from position 0.`
          : `The ${options.who} reads ${plural(batch.length, 'event')} from position ${from}.`,
      };
    },
  };
}

function applyEvent(options: CatchUpSubscriberOptions): Operation<CatchUpContext> {
  const { table, name } = options.checkpoint;
  return {
    faults: ['commit-unknown'],
    crashable: true,
    latencyMs: 4,
    intent: (context) => {
      const event = context.batch[0];
      return event ? `applying ${event.type} for order ${event.orderId}` : 'applying the event';
    },
    about: (context) => firstOrder(context.batch),
    async run(ctx) {
      const event = ctx.context.batch[0]!;
      const next = event.position + 1;
      // The event is now in the handler's hands: one delivery, whatever happens next.
      ctx.storeInternals.recordDelivery(options.deliveryGroup(ctx.context.version), event.eventId);
      const relevant = options.handler.relevant(event);
      if (!relevant && options.checkpointAfter) {
        return { event: { type: 'APPLIED', position: next }, caption: `The ${options.who} ignores ${event.type} for order ${event.orderId}.` };
      }
      const label = relevant ? options.handler.label(event) : `move checkpoint past ${event.stream}@${event.revision}`;
      const result = await ctx.db.transaction(options.checkpointAfter ? label : `${label} + checkpoint ${next}`, async (tx) => {
        const did = relevant ? await options.handler.apply(tx, event, ctx) : `ignores ${event.type} for order ${event.orderId}`;
        if (options.checkpointAfter) return `The ${options.who} ${did}.`;
        await tx.query(checkpointUpsert(table), [name, next]);
        return `The ${options.who} ${did}; checkpoint ${next} in the same transaction.`;
      });
      if (!result.ok) {
        return {
          event: { type: 'APPLY_FAILED' },
          caption: result.committed
            ? `The ${options.who} hears an error though Postgres committed; it reloads its checkpoint.`
            : `The ${options.who} fails to apply ${event.type}; it reloads its checkpoint.`,
        };
      }
      return { event: { type: 'APPLIED', position: next }, caption: result.value };
    },
  };
}

function saveCheckpoint(options: CatchUpSubscriberOptions): Operation<CatchUpContext> {
  const { table, name } = options.checkpoint;
  return {
    faults: [],
    crashable: true,
    latencyMs: 2,
    intent: (context) => `storing checkpoint ${context.position ?? '?'}`,
    // The batch still holds the event just applied: the checkpoint moves past it.
    about: (context) => firstOrder(context.batch),
    async run(ctx) {
      const position = ctx.context.position!;
      const result = await ctx.db.statement(`store ${options.who} checkpoint ${position}`, checkpointUpsert(table), [name, position]);
      if (!result.ok) return { event: { type: 'SAVE_FAILED' }, caption: `The ${options.who} fails to store its checkpoint; it reloads it.` };
      return { event: { type: 'SAVED' }, caption: `The ${options.who} stores checkpoint ${position}, after the effect.` };
    },
  };
}

export function catchUpSubscriberProcess(options: CatchUpSubscriberOptions): ProcessSpec {
  return {
    id: options.id,
    machine: createCatchUpMachine(options),
    operations: {
      'load-checkpoint': loadCheckpoint(options),
      read: read(options),
      apply: applyEvent(options),
      'save-checkpoint': saveCheckpoint(options),
      restart: restartOperation(options.label),
    },
  };
}

/**
 * The subscribers' positions against the head of the log: what each has stored in Postgres, what
 * it holds in memory, and how far behind the stored position is.
 */
export async function subscriberLag(
  runner: { query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> },
  head: number,
  subscribers: { label: string; checkpoint: CheckpointTable; context: CatchUpContext | undefined }[],
): Promise<TableSnapshot> {
  const rows = [];
  for (const s of subscribers) {
    const stored = (await runner.query<{ position: number }>(`SELECT position FROM ${s.checkpoint.table} WHERE name = $1`, [s.checkpoint.name])).rows[0];
    const position = stored ? Number(stored.position) : 0;
    rows.push({
      subscriber: lowerFirst(s.label),
      checkpoint: stored ? position : null,
      in_memory: s.context?.position ?? null,
      head,
      lag: head - position,
    });
  }
  return {
    name: 'subscriber checkpoints',
    note: 'Each catch-up subscriber\'s stored position (next event to read), its position in memory, and how far the stored one trails the log.',
    columns: ['subscriber', 'checkpoint', 'in_memory', 'head', 'lag'],
    rows,
  };
}
