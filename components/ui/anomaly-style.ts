import type { AnomalyId } from '../../machines/kernel/vocabulary';

/**
 * How each anomaly looks. Colours are Okabe-Ito tones (through theme variables), and every one is
 * paired with a glyph and a word so nothing depends on telling colours apart.
 */
export interface AnomalyStyle {
  glyph: string;
  /** Tailwind text/border colour classes from the theme. */
  tone: 'bad' | 'warn' | 'purple';
}

export const ANOMALY_STYLE: Record<AnomalyId, AnomalyStyle> = {
  'lost-event': { glyph: '∅', tone: 'bad' },
  'phantom-event': { glyph: '◇', tone: 'purple' },
  'duplicate-delivery': { glyph: '⇉', tone: 'warn' },
  'duplicate-effect': { glyph: '×2', tone: 'bad' },
  'stale-cache': { glyph: '⟲', tone: 'purple' },
  blocked: { glyph: '⊘', tone: 'bad' },
  'out-of-order': { glyph: '⇅', tone: 'warn' },
  'half-done': { glyph: '½', tone: 'bad' },
};

export const TONE_CLASSES: Record<AnomalyStyle['tone'] | 'ok', string> = {
  bad: 'text-bad border-bad',
  warn: 'text-warn border-warn',
  purple: 'text-purple border-purple',
  ok: 'text-ok border-ok',
};
