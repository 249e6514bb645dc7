/**
 * What exploring durable-execution under every single fault finds (machines/testing/anomaly-profile.ts).
 * The workflow starts durable and step 1 commits the order with its checkpoint, so no fault loses
 * an event or invents one: a crash between steps is resumed from the checkpoints, and a failed
 * publish runs again at the next recovery. A crash (or a lost ack) between the publish and its
 * checkpoint publishes twice; the step's idempotency key lets an idempotent consumer ship once.
 * Without a transactional step, a crash between the order and its checkpoint re-runs the insert,
 * which hits the primary key: the workflow ends in ERROR and its event is lost, consumer or not.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'no-transactional-step': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
