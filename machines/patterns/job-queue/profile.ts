/**
 * What exploring job-queue under every single fault finds (machines/testing/anomaly-profile.ts).
 * The job and the order commit together, so a fault never invents an event or loses one on the
 * way out; a crash (or, with two workers, a pause past the lease) between the publish and the
 * completion runs the job again, so the consumer sees a duplicate. A job whose args no attempt
 * can decode is retried, then discarded: its event is lost, whatever the consumer does.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'two-workers': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
