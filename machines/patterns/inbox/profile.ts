/**
 * What exploring inbox under every single fault finds (machines/testing/anomaly-profile.ts).
 * Upstream still repeats (the relay publishes at least once, the consumer is redelivered what it
 * had not acked), but each repeat stops at the inbox's primary key: duplicate deliveries, never a
 * second shipment, switch or no switch. Once ids expire, a redelivery later than the window goes
 * in as new and ships again, unless the never-swept processed_events switch catches it.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery'], on: ['duplicate-delivery'], settles: 'always' },
  'expiring-inbox': { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
