import type { AnomalyStyle } from '../ui/anomaly-style';

/**
 * A light wash of an anomaly's tone behind a non-zero count, so it stands out from a quiet zero.
 * Mixed into the surface colour rather than translucent, so a highlighted row's yellow under it
 * cannot pull the text below contrast.
 */
export const TONE_TINT: Record<AnomalyStyle['tone'] | 'ok', string> = {
  bad: 'bg-[color-mix(in_srgb,var(--bad)_10%,var(--surface))]',
  warn: 'bg-[color-mix(in_srgb,var(--warn)_10%,var(--surface))]',
  purple: 'bg-[color-mix(in_srgb,var(--purple)_10%,var(--surface))]',
  ok: 'bg-[color-mix(in_srgb,var(--ok)_10%,var(--surface))]',
};
