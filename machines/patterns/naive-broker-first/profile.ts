/**
 * What exploring naive-broker-first under every single fault finds (machines/testing/anomaly-profile.ts).
 * The event goes out before the insert, so a rejected or interrupted insert invents an order;
 * a refused publish stops the write too, so nothing is lost. Consumer redeliveries ship twice
 * without the idempotency switch.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['phantom-event', 'duplicate-delivery', 'duplicate-effect'], on: ['phantom-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
