/**
 * What exploring retry-in-catch under every single fault finds (machines/testing/anomaly-profile.ts).
 * A crash before the retry still loses the event; the catch publishes a rolled-back order
 * (phantom); a retried publish that had been stored is delivered twice, applied twice only
 * without the idempotency switch.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['lost-event', 'phantom-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'phantom-event', 'duplicate-delivery'], settles: 'always' },
  // The same sets, from fewer faults: a lost ack no longer duplicates; consumer crashes still do (see the test).
  'idempotent-producer': { off: ['lost-event', 'phantom-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'phantom-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
