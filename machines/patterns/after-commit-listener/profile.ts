/**
 * What exploring after-commit-listener under every single fault finds (machines/testing/anomaly-profile.ts).
 * A rollback sends nothing, so nothing is invented; a crash or failed send after the commit
 * loses the event (the registry repairs crashes on restart, not a failed send that waits for a
 * restart that does not come), and its republish can deliver twice.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  registry: { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  // The completion mode changes what stays in the tables, not what a fault does to delivery.
  'registry-delete': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  'registry-archive': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  // A scheduler resubmits what a crash or a failed send left incomplete: never lost, sometimes twice.
  resubmit: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'two-instances': { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
