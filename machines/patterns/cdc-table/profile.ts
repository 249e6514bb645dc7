/**
 * What exploring cdc-table under every single fault finds (machines/testing/anomaly-profile.ts).
 * Streaming the orders table's own row changes replays after a crash: duplicates only. With the
 * column renamed upstream mid-stream, the consumer parses what was written before the rename and
 * nothing after it, so a change is lost with no fault at all; a crash that replays the first
 * order's insert (still under the old name) ships it twice.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'renamed-column': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
