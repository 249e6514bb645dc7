/**
 * What exploring naive-db-first under every single fault finds (machines/testing/anomaly-profile.ts).
 * A failure between the commit and the publish loses the event; nothing is published before the
 * commit, so nothing is invented; a consumer crash before its offset commit redelivers, which
 * only the idempotency switch keeps from shipping twice.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
