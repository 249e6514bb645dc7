'use client';

import type { ArmedFault, StepRecord } from '../../../machines/kernel/types';
import { FAULT_DESCRIPTIONS } from '../../../machines/kernel/vocabulary';
import type { SequenceLayout } from '../sequence-layout';

/** One horizontal band per step behind the arrows, highlighted when it is the current step. */
export function StepBands({ steps, layout, step }: { steps: StepRecord[]; layout: SequenceLayout; step: number }) {
  return (
    <>
      {steps.map((s) => {
        const band = layout.bands.get(s.index);
        if (!band) return null;
        return (
          <g key={`band-${s.index}`} data-band={s.index}>
            <BandRect width={layout.width} top={band.top} bottom={band.bottom} index={s.index} current={s.index === step} />
          </g>
        );
      })}
    </>
  );
}

function BandRect({ width, top, bottom, index, current }: { width: number; top: number; bottom: number; index: number; current: boolean }) {
  return (
    <rect
      x={0}
      y={top}
      width={width}
      height={bottom - top}
      fill={current ? 'var(--hl)' : index % 2 === 0 ? 'var(--surface-2)' : 'transparent'}
      opacity={current ? 1 : 0.45}
    />
  );
}

/**
 * The step column: each step's number, a pill when a fault struck there or is armed there, and
 * the "now" marker. It is its own SVG, pinned to the left of the scroll box, so on a diagram wider
 * than the screen the numbers stay in view while the lifelines scroll under it.
 */
export function StepGutter({ steps, layout, step, armed }: { steps: StepRecord[]; layout: SequenceLayout; step: number; armed: ArmedFault[] }) {
  const gutter = layout.gutter;
  const nowY = step === 0 ? 4 : (layout.bands.get(step)?.bottom ?? 0) + 3;
  return (
    <svg width={gutter} height={layout.height} className="block select-none" data-testid="step-gutter">
      {/* Opaque, so what scrolls under the column does not show through it. */}
      <rect x={0} y={0} width={gutter} height={layout.height} fill="var(--surface)" />
      {steps.map((s) => {
        const band = layout.bands.get(s.index);
        if (!band) return null;
        const current = s.index === step;
        const struck = s.struck;
        const armedHere = armed.filter((f) => f.at === s.point);
        return (
          <g key={`gutter-${s.index}`}>
            <BandRect width={gutter} top={band.top} bottom={band.bottom} index={s.index} current={current} />
            <text x={10} y={band.top + 24} fontSize={14} fontWeight={current ? 800 : 600} fill="var(--muted)">
              {s.index}
            </text>
            {struck ? (
              <FaultPill x={30} y={band.top + 9} glyph="⚡" word="struck" tone="bad" title={FAULT_DESCRIPTIONS[struck.kind].label} />
            ) : armedHere.length > 0 ? (
              <FaultPill
                x={30}
                y={band.top + 9}
                glyph="⚑"
                word="armed"
                tone="warn"
                title={armedHere.map((f) => FAULT_DESCRIPTIONS[f.kind].label).join(', ')}
              />
            ) : null}
          </g>
        );
      })}
      <g aria-hidden="true">
        <line x1={0} x2={gutter} y1={nowY} y2={nowY} stroke="var(--accent)" strokeWidth={2} />
        {/* In the gutter, where no arrow label can sit on top of it. */}
        <text x={6} y={step === 0 ? nowY + 14 : nowY - 5} fontSize={11} fontWeight={700} fill="var(--accent)">
          {step === 0 ? 'start ▼' : 'now ▲'}
        </text>
      </g>
      <line x1={gutter - 0.5} x2={gutter - 0.5} y1={0} y2={layout.height} stroke="var(--line)" />
    </svg>
  );
}

function FaultPill({ x, y, glyph, word, tone, title }: { x: number; y: number; glyph: string; word: string; tone: 'bad' | 'warn'; title: string }) {
  const color = tone === 'bad' ? 'var(--bad)' : 'var(--warn)';
  return (
    <g>
      <title>{title}</title>
      <rect x={x} y={y} width={60} height={22} rx={11} fill="var(--surface)" stroke={color} strokeWidth={2} />
      <text x={x + 30} y={y + 15.5} textAnchor="middle" fontSize={12} fontWeight={700} fill={color}>
        {glyph} {word}
      </text>
    </g>
  );
}

/** The line under the current step ("now"), or at the very top before the first step; its label is in {@link StepGutter}. */
export function NowLine({ layout, step }: { layout: SequenceLayout; step: number }) {
  const y = step === 0 ? 4 : (layout.bands.get(step)?.bottom ?? 0) + 3;
  return (
    <g aria-hidden="true">
      <line x1={0} x2={layout.width} y1={y} y2={y} stroke="var(--accent)" strokeWidth={2} />
    </g>
  );
}
