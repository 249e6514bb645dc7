/**
 * What exploring two-phase-commit under every single fault finds (machines/testing/anomaly-profile.ts).
 * With the Kafka-like broker every order aborts, so the only harm is locks held in doubt while
 * the coordinator is down. With the XA broker nothing is lost or invented either; the
 * consumer's own redeliveries apply twice only without the idempotency switch.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['blocked'], on: ['blocked'], settles: 'always' },
  'xa-broker': { off: ['duplicate-delivery', 'duplicate-effect', 'blocked'], on: ['duplicate-delivery', 'blocked'], settles: 'always' },
} satisfies AnomalyProfile;
