/**
 * Spring Modulith's event publication registry, as the lab keeps it: the table a publication is
 * committed to with the order, what completing one does in each completion mode, reading back
 * the incomplete ones, and the registry's size for the live views.
 */
import type { Operation, InspectionSources } from '../../kernel/pattern';
import type { TableSnapshot } from '../../kernel/types';
import { firstOrder, ordersOf } from '../../actors/orders-concerned';


/**
 * What the registry does with a publication once it is sent: Spring Modulith's completion modes
 * (1.3+). UPDATE (the default) sets completion_date and keeps the row; DELETE removes it; ARCHIVE
 * moves it to an archive table. The variants `registry-delete` and `registry-archive` run the
 * other two, otherwise as `registry`.
 */
export type CompletionMode = 'update' | 'delete' | 'archive';
const COMPLETION_MODES: Readonly<Record<string, CompletionMode>> = {
  registry: 'update',
  'registry-delete': 'delete',
  'registry-archive': 'archive',
  resubmit: 'update',
  'two-instances': 'update',
};
export const completionModeOf = (variant: string): CompletionMode | null => (Object.hasOwn(COMPLETION_MODES, variant) ? COMPLETION_MODES[variant]! : null);
/** The listener name Spring Modulith would store: which listener each publication is for. */
export const LISTENER_ID = 'shipping.OrderPlacedPublisher';

/** Spring Modulith's registry, reduced to what the lab needs. Created in both variants (empty in the default). */
export const EVENT_PUBLICATION_TABLE = `CREATE TABLE service.event_publication (
  id serial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  listener text NOT NULL,
  serialized_event text NOT NULL,
  publication_date timestamptz NOT NULL,
  completion_date timestamptz
)`;

/** Where ARCHIVE moves completed publications (Spring Modulith's event_publication_archive). */
export const EVENT_PUBLICATION_ARCHIVE_TABLE = `CREATE TABLE service.event_publication_archive (
  id integer PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  listener text NOT NULL,
  serialized_event text NOT NULL,
  publication_date timestamptz NOT NULL,
  completion_date timestamptz NOT NULL
)`;

/** What the service hands to the listener after its commit. */
export interface HandedOffEvent {
  eventId: string;
  orderId: number;
  /** The registry row for it, in the `registry` variant. */
  publicationId: number | null;
  /** Read back from the registry on restart rather than handed over by a commit. */
  republished?: boolean;
}

/** How captions name whoever sends and completes publications: the listener or a scheduler. */
export function senderName(actor: string): string {
  if (actor === 'scheduler') return 'scheduler';
  if (actor === 'scheduler-2') return 'scheduler of instance 2';
  return 'listener';
}

/** What the listener and the scheduler hold: publications handed over or read back, not yet sent. */
export interface PublicationQueue {
  registry: boolean;
  /** Who sends an incomplete publication again: the process on restart, or a scheduler. */
  resubmittedBy: 'restart' | 'scheduler';
  pending: HandedOffEvent[];
}

interface CompletionStatement {
  label: string;
  sql: string;
  /** The statement's parameters from the publication's id and the completion time. */
  params: (id: number, at: string) => (number | string)[];
  caption: string;
}

const COMPLETION_SQL: Record<CompletionMode, CompletionStatement> = {
  update: {
    label: 'complete publication',
    sql: 'UPDATE service.event_publication SET completion_date = $2 WHERE id = $1',
    params: (id, at) => [id, at],
    caption: 'marks order N\'s publication completed; the row stays',
  },
  delete: {
    label: 'delete completed publication',
    sql: 'DELETE FROM service.event_publication WHERE id = $1',
    params: (id) => [id],
    caption: 'deletes order N\'s completed publication',
  },
  archive: {
    label: 'archive completed publication',
    // One statement, so the move is atomic without a transaction of its own.
    sql: `WITH moved AS (DELETE FROM service.event_publication WHERE id = $1 RETURNING id, event_id, listener, serialized_event, publication_date)
          INSERT INTO service.event_publication_archive SELECT id, event_id, listener, serialized_event, publication_date, $2 FROM moved`,
    params: (id, at) => [id, at],
    caption: 'moves order N\'s publication to the archive',
  },
};

export function completePublication(mode: CompletionMode): Operation<PublicationQueue> {
  const { label, sql, params, caption } = COMPLETION_SQL[mode];
  return {
    faults: ['commit-unknown'],
    crashable: true,
    latencyMs: 3,
    intent: (context) => `marking the publication of order ${context.pending[0]?.orderId ?? '?'} completed`,
    about: (context) => firstOrder(context.pending),
    async run(ctx) {
      const event = ctx.context.pending[0]!;
      const result = await ctx.db.statement(`${label} ${event.publicationId}`, sql, params(event.publicationId!, ctx.timestamp()));
      return {
        event: { type: 'COMPLETED' },
        caption: result.ok
          ? `The ${senderName(ctx.actor)} ${caption.replace('order N', `order ${event.orderId}`)}.`
          : `The ${senderName(ctx.actor)} cannot tell whether order ${event.orderId}'s publication was completed.`,
      };
    },
  };
}

export const republishIncomplete: Operation<PublicationQueue> = {
  faults: [],
  crashable: true,
  latencyMs: 3,
  intent: () => 'reading incomplete publications',
  async run(ctx) {
    const result = await ctx.db.statement<{ id: number; event_id: string; serialized_event: string }>(
      'read incomplete publications',
      'SELECT id, event_id, serialized_event FROM service.event_publication WHERE completion_date IS NULL ORDER BY id',
    );
    const rows = result.ok ? result.value.rows : [];
    const events: HandedOffEvent[] = rows.map((r) => ({
      eventId: r.event_id,
      orderId: Number((JSON.parse(r.serialized_event) as { orderId: number }).orderId),
      publicationId: Number(r.id),
      republished: true,
    }));
    return {
      event: { type: 'INCOMPLETE_FOUND', events },
      orders: ordersOf(events),
      caption:
        events.length === 0
          ? 'On restart the listener finds no incomplete publications.'
          : `On restart the listener republishes ${events.length} incomplete publication${events.length === 1 ? '' : 's'}.`,
    };
  },
};

const REGISTRY_NOTES: Record<CompletionMode, string> = {
  update: 'Completed entries are never deleted here: the table grows by one row per event until a purge job removes them.',
  delete: 'Completed entries are deleted: the table holds only incomplete publications, and no record of what was sent.',
  archive: 'Completed entries move to event_publication_archive: the registry stays small, the archive grows until purged.',
};

export async function registrySize(sources: InspectionSources, mode: CompletionMode): Promise<TableSnapshot> {
  const counts = await sources.runner.query<{ total: number; completed: number; incomplete: number }>(
    `SELECT count(*)::int AS total, count(completion_date)::int AS completed, (count(*) - count(completion_date))::int AS incomplete
     FROM service.event_publication`,
  );
  const row = counts.rows[0]!;
  const archived = mode === 'archive' ? Number((await sources.runner.query<{ n: number }>('SELECT count(*)::int AS n FROM service.event_publication_archive')).rows[0]!.n) : null;
  return {
    name: 'publication registry size',
    note: REGISTRY_NOTES[mode],
    columns: ['rows', 'completed', 'incomplete', ...(archived === null ? [] : ['archived'])],
    rows: [{ rows: Number(row.total), completed: Number(row.completed), incomplete: Number(row.incomplete), ...(archived === null ? {} : { archived }) }],
  };
}
