/**
 * cache-delete's cdc-invalidation: the writers only commit, and the key is deleted from the log
 * instead. The lab's CDC connector (actors/cdc-connector.ts, unchanged) tails the WAL of
 * `service.orders` and publishes each committed UPDATE or DELETE to a topic; an invalidator, a
 * consumer of its own group, DELs the key of the row that changed and only then commits its
 * offset. That is the Debezium + small consumer setup teams run; Facebook's mcsqueal does the same
 * from the MySQL log, sending the deletes to memcache directly.
 *
 * What it buys: a commit cannot lose its delete. A writer that crashes or errs after COMMIT has
 * nothing left to do, and a DEL the cache refuses is retried, because the invalidator seeks back
 * to its committed offset. What it does not: the delete comes a lag after the commit (a poll of
 * the connector, a publish, a fetch), and reads meanwhile get the old value; and a reader that
 * loaded the old row before the commit can still fill it after the connector's DEL.
 */
import type { Operation, ProcessSpec } from '../../kernel/pattern';
import type { TableSnapshot } from '../../kernel/types';
import type { SqlRunner } from '../../kernel/traced-database';
import type { Broker, OutgoingMessage } from '../../actors/broker';
import { cdcConnectorProcess, CONNECTOR_STATE_TABLE, OFFSETS_GROUP, OFFSETS_TOPIC } from '../../actors/cdc-connector';
import { groupConsumerProcess, type ConsumerContext } from '../../actors/consumer';
import { firstOrder } from '../../actors/orders-concerned';
import { prepareWalRun, showPos, slotInspection, WAL_ORIGIN_TABLE } from '../../actors/wal';
import type { RowChange } from '../../actors/wal-decoder';
import { rowChangeMessage } from '../cdc-table/pattern';
import { cacheKey, insertStoryOrder } from './story';

export const CDC_INVALIDATION = 'cdc-invalidation';
export const INVALIDATOR_PARTICIPANT = 'invalidator';
/** Debezium names topics `<prefix>.<schema>.<table>`. */
export const ORDER_CHANGES_TOPIC = 'lab.service.orders';
const INVALIDATOR_GROUP = 'cache-invalidator';
const ORDERS = 'service.orders';

/** What the variant adds to the story's schema: where each run's WAL starts, and the connector's row images. */
export const INVALIDATION_TABLES = [WAL_ORIGIN_TABLE, CONNECTOR_STATE_TABLE];
export const INVALIDATION_HIDDEN_TABLES = ['service.wal_origin'];

/**
 * The story's order goes in after the run's WAL origin, so the connector reads its INSERT and
 * keeps the row's image. Inserted before, the first UPDATE after prepareWalRun's checkpoint
 * would be logged as a full page image with no tuple data, and the decoder could not tell which
 * row changed.
 */
export async function prepareInvalidationRun(runner: SqlRunner, at: string): Promise<void> {
  await prepareWalRun(runner);
  await insertStoryOrder(runner, at);
}


/**
 * A committed change of an order as the invalidator's message, keyed by the row's id. Inserts are
 * skipped, as Debezium's `skipped.operations=c` would: no one can have cached a row that did not
 * exist (the lab caches no misses), so there is no key to delete.
 */
export function invalidationMessage(change: RowChange): OutgoingMessage | null {
  // cdc-table's row-change message, with only what the invalidator needs as its payload.
  const message = change.op === 'c' ? null : rowChangeMessage(change);
  if (!message) return null;
  const version = change.after?.version;
  return { ...message, payload: JSON.stringify({ id: message.orderId, version: typeof version === 'number' ? version : null }) };
}

/** The version the change committed, for captions; null when the change carried none (a DELETE). */
function committedVersion(payload: string | undefined): number | null {
  const version = (JSON.parse(payload ?? '{}') as { version?: unknown }).version;
  return typeof version === 'number' ? version : null;
}

/**
 * The invalidator's effect: DEL the changed row's key. A refused DEL answers APPLY_FAILED, so the
 * shared consumer seeks back and fetches the change again: it is retried until the cache takes it,
 * and the offset moves on only after a DEL that landed.
 */
const invalidate: Operation<ConsumerContext> = {
  faults: ['cache-unavailable', 'pause'],
  crashable: true,
  latencyMs: 2,
  intent: (context) => `deleting order ${context.batch[0]?.orderId ?? '?'} from the cache`,
  about: (context) => firstOrder(context.batch),
  async run(ctx) {
    const message = ctx.context.batch[0]!;
    const result = ctx.cache.del(cacheKey(message.orderId));
    if (!result.ok) return { event: { type: 'APPLY_FAILED' }, caption: `The cache refuses the invalidator's DEL of order ${message.orderId}; it will retry.` };
    const version = committedVersion(message.payload);
    return {
      event: { type: 'APPLIED' },
      caption:
        version === null
          ? `The invalidator deletes order ${message.orderId} from the cache.`
          : `The invalidator deletes order ${message.orderId}: the log has version ${version}.`,
    };
  },
};

/** The connector on the orders table and the invalidator that consumes its changes. */
export function invalidationProcesses(): ProcessSpec[] {
  return [
    cdcConnectorProcess('Connector', { captured: [ORDERS], heartbeat: false, keepsRowImages: true, toMessage: invalidationMessage }),
    groupConsumerProcess({
      id: INVALIDATOR_PARTICIPANT,
      label: 'Invalidator',
      who: 'invalidator',
      topic: ORDER_CHANGES_TOPIC,
      group: INVALIDATOR_GROUP,
      apply: invalidate,
    }),
  ];
}

/** The slot the connector confirms to, beside the cache views: how far the log has been read. */
export async function invalidationInspections(runner: SqlRunner, broker: Broker): Promise<TableSnapshot[]> {
  return [await slotInspection(runner, broker.context.committed[OFFSETS_GROUP]?.[OFFSETS_TOPIC]?.[0] ?? 0)];
}
