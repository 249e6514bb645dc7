/**
 * What exploring cdc-table under every single fault finds (machines/testing/anomaly-profile.ts).
 * Streaming the orders table's own row changes replays after a crash: duplicates only. With the
 * column renamed upstream the consumer parses nothing, so orders are lost with no fault at all;
 * it skips what it cannot parse, so a redelivery is never applied twice.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'renamed-column': { off: ['lost-event', 'duplicate-delivery'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
