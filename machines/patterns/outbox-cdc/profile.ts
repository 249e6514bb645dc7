/**
 * What exploring outbox-cdc under every single fault finds (machines/testing/anomaly-profile.ts).
 * The connector publishes only committed inserts and replays from its stored position after a
 * crash: duplicates, never a loss or a phantom.
 *
 * heartbeat settles 'not-always': with orders 0 and 3000, a connector crash after the first
 * heartbeat leaves it heartbeating forever (poll → heartbeat livelock to the step limit). That
 * looks like a simulation bug, reported rather than fixed here; fix it and this becomes 'always'.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'delete-after-insert': { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  heartbeat: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'not-always' },
} satisfies AnomalyProfile;
