/**
 * What exploring cache-set under every single fault finds (machines/testing/anomaly-profile.ts).
 * No consumer, so the idempotency switch changes nothing: a SET that fails, never runs or lands
 * out of order leaves a stale cache, and that is the only anomaly. With versioned-set the late
 * ones are dropped, but a SET that fails or never runs still leaves one.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['stale-cache'], on: ['stale-cache'], settles: 'always' },
  // Compare-and-set closes the races of order (a late SET, a late fill), not a SET that never runs.
  'versioned-set': { off: ['stale-cache'], on: ['stale-cache'], settles: 'always' },
} satisfies AnomalyProfile;
