import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: [], on: [], settles: 'always' },
  'two-workers': { off: [], on: [], settles: 'always' },
} satisfies AnomalyProfile;
