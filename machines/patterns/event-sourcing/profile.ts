/**
 * What exploring event-sourcing under every single fault finds (machines/testing/anomaly-profile.ts).
 * The append is the only write, so nothing is lost or invented. Subscribers that store their
 * checkpoint after the effect (the shipping one always, the projector in checkpoint-after)
 * apply a redelivered event twice unless the idempotency switch is on.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'checkpoint-after': { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  rebuild: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
