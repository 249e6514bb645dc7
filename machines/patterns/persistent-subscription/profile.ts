/**
 * What exploring persistent-subscription under every single fault finds (machines/testing/anomaly-profile.ts).
 * A malformed event (or, with ack-on-error, a handler error it acks) is lost in every variant;
 * a restarted subscription redelivers from its trailing checkpoint, which the unique key absorbs
 * except in no-unique-constraint, where only the idempotency switch stops a second shipment.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['lost-event', 'duplicate-delivery'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'park-malformed': { off: ['lost-event', 'duplicate-delivery'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'no-unique-constraint': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'ack-on-error': { off: ['lost-event', 'duplicate-delivery'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
