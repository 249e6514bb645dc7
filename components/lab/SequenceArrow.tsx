'use client';

import { memo } from 'react';
import type { TraceEntry } from '../../machines/kernel/types';
import { FAULT_DESCRIPTIONS } from '../../machines/kernel/vocabulary';
import { ROW_HEIGHT, type RowLayout } from './sequence-layout';

export type ArrowState = 'done' | 'current' | 'upcoming';

const MAX_LABEL = 40;

const MARK_GLYPH: Partial<Record<TraceEntry['kind'], string>> = { crash: '✖', restart: '↻', error: '✖', pause: '⏸' };

// The accessible name starts with exactly the text drawn on the arrow (speech users say what
// they see), then adds what the drawing shows only by position, colour and line style.
function describe(entry: TraceEntry, state: ArrowState, shown: string): string {
  const visible = `${entry.ok || entry.from === entry.to ? '' : '✖ '}${shown}${entry.sql ? ' SQL' : ''}`;
  const where = entry.from === entry.to ? entry.from : `${entry.from} to ${entry.to}`;
  const full = shown === entry.label ? '' : ` ${entry.label}.`;
  const failed = entry.ok ? '' : ', failed';
  const fault = entry.fault ? `, fault struck: ${FAULT_DESCRIPTIONS[entry.fault.kind].label}` : '';
  const action = state === 'upcoming' ? ' Press Enter to arm a fault here.' : ' Press Enter for details.';
  return `${visible}. Step ${entry.step}, ${where}.${full} (${entry.kind}${failed}${fault}, ${state === 'upcoming' ? 'upcoming' : 'done'}).${action}`;
}

/**
 * One trace entry: an arrow between two lifelines, or a mark on one lifeline when a process acts
 * on itself (crash, restart). The whole row is the hit area, so small arrows stay easy to click.
 */
export const SequenceArrow = memo(function SequenceArrow({
  row,
  state,
  animate,
  width,
  gutter,
  onOpen,
  onHover,
  tabbable,
  onMoveFocus,
}: {
  row: RowLayout;
  state: ArrowState;
  animate: boolean;
  width: number;
  gutter: number;
  onOpen: (seq: number, target: SVGGElement) => void;
  onHover: (seq: number | null) => void;
  tabbable: boolean;
  onMoveFocus: (seq: number, move: 'next' | 'previous' | 'first' | 'last') => void;
}) {
  const { entry, y, x1, x2 } = row;
  const failed = !entry.ok;
  const reply = entry.kind === 'reply';
  const stroke = failed ? 'var(--bad)' : 'var(--arrow)';
  const opacity = state === 'upcoming' ? 0.38 : 1;
  const self = entry.from === entry.to;
  const mid = (x1 + x2) / 2;
  const dir = x2 >= x1 ? 1 : -1;
  // Long labels are shortened on the diagram (the full text is in the aria-label and the menu)
  // and kept inside the drawing, so the rightmost lifeline's labels are not cut off.
  const shown = entry.label.length > MAX_LABEL ? `${entry.label.slice(0, MAX_LABEL - 1)}…` : entry.label;
  // The current step's label is bold, and bold glyphs are wider.
  const charWidth = state === 'current' ? 8.2 : 7.4;
  const labelWidth = Math.max((shown.length + (entry.sql ? 5 : 0) + (failed && !self ? 2 : 0)) * charWidth + 12, 40);
  const clamp = (x: number) => Math.max(gutter + 2, Math.min(x, width - labelWidth - 4));
  // A label pushed against the right edge is anchored at its end there, for the same reason.
  const atRightEdge = !self && mid - labelWidth / 2 > width - labelWidth - 4;
  // A mark near the right edge gets its label on the left, anchored at its end so an
  // underestimated width can never run the text into the mark.
  const leftOfMark = self && x1 + 18 + labelWidth > width;
  const labelX = self ? (leftOfMark ? x1 - 18 - labelWidth : x1 + 18) : clamp(mid - labelWidth / 2);
  const labelY = self ? y - 9 : y - 25;

  return (
    <g
      className="seq-arrow cursor-pointer"
      role="button"
      tabIndex={tabbable ? 0 : -1}
      aria-label={describe(entry, state, shown)}
      data-testid={`arrow-${entry.seq}`}
      data-step={entry.step}
      data-state={state === 'upcoming' ? 'upcoming' : 'done'}
      data-ok={entry.ok ? 'true' : 'false'}
      opacity={opacity}
      onClick={(event) => onOpen(entry.seq, event.currentTarget)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          event.stopPropagation();
          onOpen(entry.seq, event.currentTarget);
          return;
        }
        const move = ({ ArrowDown: 'next', ArrowUp: 'previous', Home: 'first', End: 'last' } as const)[event.key as 'ArrowDown'];
        if (move) {
          event.preventDefault();
          event.stopPropagation();
          onMoveFocus(entry.seq, move);
        }
      }}
      onPointerEnter={() => onHover(entry.seq)}
      onPointerLeave={() => onHover(null)}
      onFocus={() => onHover(entry.seq)}
      onBlur={() => onHover(null)}
    >
      <rect
        className="seq-hit"
        x={gutter - 4}
        y={y - ROW_HEIGHT * 0.7}
        width={width - gutter + 2}
        height={ROW_HEIGHT}
        fill="transparent"
        stroke="transparent"
        rx={4}
      />
      {failed && !self && (
        <rect
          x={Math.min(x1, x2)}
          y={y - 5}
          width={Math.abs(x2 - x1)}
          height={10}
          fill="url(#seq-hatch)"
          opacity={0.8}
        />
      )}
      {self ? (
        <>
          <circle cx={x1} cy={y - 4} r={11} fill="var(--surface)" stroke={stroke} strokeWidth={2} />
          <text x={x1} y={y} textAnchor="middle" fontSize={14} fontWeight={700} fill={stroke}>
            {MARK_GLYPH[entry.kind] ?? '•'}
          </text>
        </>
      ) : (
        <line
          key={animate ? `draw-${entry.seq}` : `still-${entry.seq}`}
          className={animate ? (dir > 0 ? 'seq-draw seq-draw-ltr' : 'seq-draw seq-draw-rtl') : undefined}
          x1={x1}
          y1={y}
          x2={x2 - dir * 2}
          y2={y}
          stroke={stroke}
          strokeWidth={state === 'current' ? 3 : 2}
          strokeDasharray={reply ? '6 5' : undefined}
          markerEnd={failed ? 'url(#seq-head-bad)' : 'url(#seq-head)'}
        />
      )}
      <rect
        x={labelX - 2}
        y={labelY - 1}
        width={labelWidth}
        height={20}
        rx={3}
        fill="var(--surface)"
        opacity={0.92}
      />
      <text
        x={leftOfMark ? x1 - 20 : atRightEdge ? width - 8 : labelX + 4}
        textAnchor={leftOfMark || atRightEdge ? 'end' : 'start'}
        y={labelY + 14}
        fontSize={13.5}
        fontWeight={state === 'current' ? 700 : 500}
        fill={failed ? 'var(--bad)' : 'var(--fg)'}
      >
        {failed && !self ? '✖ ' : ''}
        {shown}
        {entry.sql && (
          <tspan fill="var(--muted)" fontSize={11.5} fontWeight={600}>
            {'  '}SQL
          </tspan>
        )}
      </text>
    </g>
  );
});
