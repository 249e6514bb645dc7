/**
 * What exploring outbox-polling under every single fault finds (machines/testing/anomaly-profile.ts).
 * The default relay publishes at least once: duplicates only, never a loss. The id-cursor relay
 * skips a lower id that commits late, losing it; competing relays can publish one order's
 * events out of order.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'id-cursor': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'competing-relays': { off: ['duplicate-delivery', 'duplicate-effect', 'out-of-order'], on: ['duplicate-delivery', 'out-of-order'], settles: 'always' },
} satisfies AnomalyProfile;
