/**
 * What exploring cache-delete under every single fault finds (machines/testing/anomaly-profile.ts).
 * No shipping consumer (cdc-invalidation's invalidator only deletes keys), so the idempotency
 * switch changes nothing: a DEL that fails or comes late, or a reader that fills with an old row
 * after the DELs, leaves a stale cache, and that is the only anomaly.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['stale-cache'], on: ['stale-cache'], settles: 'always' },
  // The second DEL heals the key sooner; the reads before it are still served the old value.
  'double-delete': { off: ['stale-cache'], on: ['stale-cache'], settles: 'always' },
  // Leases stop a slow reader's old fill; a DEL that is late or never runs still leaves the old value.
  lease: { off: ['stale-cache'], on: ['stale-cache'], settles: 'always' },
  // The DEL comes from the WAL a lag after each commit: reads in the lag are stale even with no
  // fault; what no fault does any more is leave the key stale for good, bar a reader's late fill.
  'cdc-invalidation': { off: ['stale-cache'], on: ['stale-cache'], settles: 'always' },
} satisfies AnomalyProfile;
