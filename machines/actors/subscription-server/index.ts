/**
 * The server side of a persistent subscription: a consumer group (`shipping`) that the event store
 * itself holds, KurrentDB style. The store reads `$all`, pushes events to the connected handlers
 * (one, or two under a consumer strategy), waits for an ack or a nack per event, retries what is
 * nacked, times out (found on its 1 s tick) or was in flight to a client whose connection closed,
 * parks what keeps failing, and now and then writes a checkpoint.
 *
 * It is a process participant of its own (id `event-store`): its durable data is the EventStore
 * (the checkpoint and parked streams are system streams there), its working memory — what is in
 * flight, the retry queue, the read buffer — is this statechart's context, and a crash forgets it.
 * That is a subscription restart (a leader change, the subscription subsystem restarting): the
 * group reloads from its last checkpoint and delivers everything after it again, including
 * events the handler had already acked, because the checkpoint is written on a tick or after many
 * processed messages, never per event, and records only what lies below the oldest one owed.
 *
 * The seed tutorial says a restarted application "resumes from the checkpoint, avoiding
 * reprocessing". The lab shows what really happens: a handler that crashes gets its unacked events
 * again as soon as it subscribes again (the store retried them when the connection closed), one
 * that hangs past the message timeout gets them twice, and a restarted subscription redelivers
 * everything after its checkpoint, acked or not. The handler has to be idempotent either way.
 *
 * This file assembles the process; its jobs live beside it: `group.ts` (names, streams, settings,
 * replies), `context.ts` (working memory and the checkpoint counters), `machine.ts` (statechart),
 * `delivery.ts` (read, push, record replies, time out), `strategy.ts` (round robin and pinned),
 * `clients.ts` (connections closing and opening), `retry.ts` (the retry queue), `checkpoint.ts`,
 * `parked.ts` (park and replay) and `inspection.ts`.
 * The operator who asks for a replay is the pattern's (patterns/persistent-subscription/operator.ts).
 */
import type { ProcessSpec } from '../../kernel/pattern';
import { EVENT_STORE_PARTICIPANT } from '../event-store';
import { restartOperation } from '../process';
import { checkpoint, loadCheckpoint } from './checkpoint';
import { trackClients } from './clients';
import { expire, push, read, recordReplies } from './delivery';
import { SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from './group';
import { createSubscriptionServerMachine } from './machine';
import { clocked } from './operation';
import { park, replayParked } from './parked';

export * from './group';
export { freshServerContext, type InFlightMessage, type OutstandingMessage, type SubscriptionServerContext } from './context';
export { bucketOf, bucketHolder, PINNED_BUCKETS } from './strategy';
export { createSubscriptionServerMachine } from './machine';
export { parkedMessages } from './parked';
export { subscriptionInspection } from './inspection';

export function subscriptionServerProcess(label: string, settings: SubscriptionSettings = SUBSCRIPTION_SETTINGS): ProcessSpec {
  return {
    id: EVENT_STORE_PARTICIPANT,
    machine: createSubscriptionServerMachine(settings),
    operations: {
      'load-checkpoint': clocked(loadCheckpoint),
      'track-clients': clocked(trackClients),
      read: clocked(read),
      push: clocked(push),
      'record-replies': clocked(recordReplies),
      expire: clocked(expire),
      park: clocked(park),
      checkpoint: clocked(checkpoint),
      'replay-parked': clocked(replayParked),
      restart: restartOperation(label),
    },
  };
}
