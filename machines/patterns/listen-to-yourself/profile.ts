/**
 * What exploring listen-to-yourself under every single fault finds (machines/testing/anomaly-profile.ts).
 * The one write is the publish, so nothing is lost; an order the projector cannot write is
 * shipped anyway (phantom). The shipping consumer's redeliveries apply twice only without the
 * idempotency switch.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['phantom-event', 'duplicate-delivery', 'duplicate-effect'], on: ['phantom-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
