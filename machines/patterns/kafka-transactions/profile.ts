/**
 * What exploring kafka-transactions under every single fault finds (machines/testing/anomaly-profile.ts).
 * Both variants lose events the same way: the service's commit and publish are a dual write
 * outside any transaction. Both apply twice when the shipping consumer fails between its
 * Postgres shipment and its offset commit: that commit is outside the broker's transaction too.
 * What the isolation level changes is which faults do it: with read_uncommitted a processor
 * crash mid-transaction also ships twice (the aborted record and its retry); with read_committed
 * it never does (the test file checks where). The processed_events switch stops every second
 * shipment in both.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'read-uncommitted': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
