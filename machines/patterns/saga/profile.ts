/**
 * What exploring saga under every single fault finds (machines/testing/anomaly-profile.ts). The
 * saga log is written before and after every call, so a crash anywhere is resumed from it and no
 * order is left half-done while compensations are retried. A lost answer or a crash between a
 * call and its logged answer calls the participant again: the step's idempotency key makes that
 * a repeat the participant recognises (a duplicate delivery); a new key per attempt makes it a
 * second reservation or charge. With compensations tried once, a failed refund or release is
 * written off and the order is left half-done, key or no key.
 */
import type { AnomalyProfile } from '../../testing/anomaly-profile';

export const anomalyProfile = {
  default: { off: ['duplicate-delivery', 'duplicate-effect'], on: ['duplicate-delivery'], settles: 'always' },
  'no-retry-compensation': { off: ['duplicate-delivery', 'duplicate-effect', 'half-done'], on: ['duplicate-delivery', 'half-done'], settles: 'always' },
} satisfies AnomalyProfile;
