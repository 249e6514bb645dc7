/**
 * What exploring outbox-cdc under every single fault finds (machines/testing/anomaly-profile.ts).
 * The connector publishes only committed inserts and replays from its stored position after a
 * crash: duplicates, never a loss or a phantom. It flushes its offsets on a timer, so a crash
 * re-sends everything since the last flush: still duplicates only.
 *
 * heartbeat settles: a connector restarted with no row images still counts the heartbeat's
 * UPDATE as a captured change and confirms it (it once heartbeated to the step limit instead).
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'delete-after-insert': { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  heartbeat: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'wal-message': { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  // The router skips the UPDATEs (warn): each event still goes out once, duplicates only on a crash.
  'mark-published': { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  // The slot is lost with no fault at all: the orders written while it was down never go out.
  'lost-slot': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
