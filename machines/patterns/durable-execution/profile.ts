/**
 * What exploring durable-execution under every single fault finds (machines/testing/anomaly-profile.ts).
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
} satisfies AnomalyProfile;
