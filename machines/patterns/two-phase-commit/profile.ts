/**
 * What exploring two-phase-commit under every single fault finds (machines/testing/anomaly-profile.ts).
 * With the default (XA-capable) broker nothing is lost or invented; the consumer's own
 * redeliveries apply twice only without the idempotency switch. With the Kafka-like broker every
 * order aborts, so the only harm is locks held in doubt while the coordinator is down.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect', 'blocked'], on: ['duplicate-delivery', 'blocked'], settles: 'always' },
  'kafka-broker': { off: ['blocked'], on: ['blocked'], settles: 'always' },
} satisfies AnomalyProfile;
