import { ANOMALY_DESCRIPTIONS, type AnomalyId } from '../../machines/kernel/vocabulary';
import { ANOMALY_STYLE, TONE_CLASSES } from './anomaly-style';

/** Glyph + word + colour for an anomaly, or a "consistent" tick for `none`. */
export function AnomalyBadge({ id, size = 'md' }: { id: AnomalyId | 'none'; size?: 'sm' | 'md' }) {
  const pad = size === 'sm' ? 'px-2 py-0.5 text-sm' : 'px-2.5 py-1 text-base';
  if (id === 'none') {
    return (
      <span className={`inline-flex items-center gap-1.5 rounded-full border-2 font-semibold ${pad} ${TONE_CLASSES.ok}`}>
        <span aria-hidden="true">✓</span>
        <span>No anomaly</span>
      </span>
    );
  }
  const style = ANOMALY_STYLE[id];
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full border-2 font-semibold ${pad} ${TONE_CLASSES[style.tone]}`}>
      <span aria-hidden="true" className="font-mono">
        {style.glyph}
      </span>
      <span>{ANOMALY_DESCRIPTIONS[id].label}</span>
    </span>
  );
}
