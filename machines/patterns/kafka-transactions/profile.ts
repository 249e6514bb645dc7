/**
 * What exploring kafka-transactions under every single fault finds (machines/testing/anomaly-profile.ts).
 * Placeholder, replaced below with what exploration reports.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['lost-event'], on: ['lost-event'], settles: 'always' },
  'read-uncommitted': { off: ['lost-event'], on: ['lost-event'], settles: 'always' },
} satisfies AnomalyProfile;
