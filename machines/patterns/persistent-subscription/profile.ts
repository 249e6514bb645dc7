/**
 * What exploring persistent-subscription under every single fault finds (machines/testing/anomaly-profile.ts).
 * A malformed event (or, with ack-on-error, a handler error it acks) is lost in every variant;
 * a restarted subscription redelivers from its trailing checkpoint, which the unique key absorbs
 * except in no-unique-constraint, where only the idempotency switch stops a second shipment.
 * With two handlers, round robin applies one order's events out of order even without a fault;
 * pinned keeps them in order until a retry (a nack retry) lets the order's next event go first.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['lost-event', 'duplicate-delivery'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'park-malformed': { off: ['lost-event', 'duplicate-delivery'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'no-unique-constraint': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'ack-on-error': { off: ['lost-event', 'duplicate-delivery'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'round-robin': { off: ['lost-event', 'duplicate-delivery', 'out-of-order'], on: ['lost-event', 'duplicate-delivery', 'out-of-order'], settles: 'always' },
  pinned: { off: ['lost-event', 'duplicate-delivery', 'out-of-order'], on: ['lost-event', 'duplicate-delivery', 'out-of-order'], settles: 'always' },
} satisfies AnomalyProfile;
