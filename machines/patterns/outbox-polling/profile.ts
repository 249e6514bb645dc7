/**
 * What exploring outbox-polling under every single fault finds (machines/testing/anomaly-profile.ts).
 * The default relay publishes at least once: duplicates only, never a loss. The id-cursor relay
 * skips a lower id that commits late, losing it; competing relays can publish one order's
 * events out of order; a consumer whose offsets are auto-committed before its effects loses an event
 * to a crash in between. A relay woken by NOTIFY misses notifications while it is down, but its
 * fallback poll finds those rows: it duplicates like the default and loses nothing.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'id-cursor': { off: ['lost-event', 'duplicate-delivery', 'duplicate-effect'], on: ['lost-event', 'duplicate-delivery'], settles: 'always' },
  // The consumer's offsets are committed before its effects: a crash in between loses the event.
  'auto-commit': { off: ['duplicate-delivery', 'duplicate-effect', 'lost-event'], on: ['duplicate-delivery', 'lost-event'], settles: 'always' },
  // Woken by NOTIFY, with a fallback poll for what it missed: as at-least-once as the default, never a loss.
  notify: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'competing-relays': { off: ['duplicate-delivery', 'duplicate-effect', 'out-of-order'], on: ['duplicate-delivery', 'out-of-order'], settles: 'always' },
} satisfies AnomalyProfile;
