/**
 * What exploring cache-set under every single fault finds (machines/testing/anomaly-profile.ts).
 * No consumer, so the idempotency switch changes nothing: a SET that fails, never runs or lands
 * out of order leaves a stale cache, and that is the only anomaly.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['stale-cache'], on: ['stale-cache'], settles: 'always' },
} satisfies AnomalyProfile;
