'use client';

import type { Participant, WorldSnapshot } from '../../../machines/kernel/types';
import { GUTTER } from '../sequence-layout';
import { HEADER_HEIGHT } from './constants';

/**
 * The sticky row of participant names above the diagram. Each name is a button that opens the
 * participant's upcoming steps; it also shows the participant's state, or that it is down.
 */
export function LifelineHeaders({
  participants,
  layoutWidth,
  columnWidth,
  snapshot,
  onOpen,
}: {
  participants: Participant[];
  layoutWidth: number;
  columnWidth: number;
  snapshot: WorldSnapshot | undefined;
  onOpen: (actor: string, target: HTMLElement, x: number) => void;
}) {
  return (
    <div
      className="sticky top-0 z-10 flex border-b border-line bg-surface/95 backdrop-blur"
      style={{ width: layoutWidth, height: HEADER_HEIGHT }}
    >
      {/* Pinned left like the step column below it. */}
      <div style={{ width: GUTTER }} className="sticky left-0 z-[1] flex shrink-0 items-end border-r border-line bg-surface px-2 pb-2 text-xs font-semibold uppercase tracking-wide text-muted">
        Step
      </div>
      {participants.map((p, i) => {
        const down = snapshot?.down.includes(p.id) ?? false;
        const state = snapshot?.states[p.id];
        return (
          <div key={p.id} style={{ width: columnWidth }} className="flex shrink-0 items-stretch justify-center p-1">
            <button
              type="button"
              data-testid={`lifeline-${p.id}`}
              onClick={(event) => onOpen(p.id, event.currentTarget, GUTTER + columnWidth * i)}
              className={`flex w-full flex-col items-center justify-center rounded-md border-2 px-1 py-1 text-center leading-tight hover:border-accent ${
                down ? 'border-dashed border-bad opacity-80' : 'border-line'
              }`}
            >
              <span className="text-sm font-semibold">{p.label}</span>
              <span className={`text-xs ${down ? 'font-bold text-bad' : 'text-muted'}`}>
                {down ? (
                  <>
                    <span aria-hidden="true">✖ </span>down
                  </>
                ) : (
                  (state ?? p.kind)
                )}
              </span>
              <span className="sr-only">: list its upcoming steps to arm a fault</span>
            </button>
          </div>
        );
      })}
    </div>
  );
}

/** The vertical lifelines in the SVG; a participant that is down gets a thinner, sparser dash. */
export function Lifelines({
  participants,
  lifelineX,
  height,
  snapshot,
}: {
  participants: Participant[];
  lifelineX: Record<string, number>;
  height: number;
  snapshot: WorldSnapshot | undefined;
}) {
  return (
    <>
      {participants.map((p) => (
        <line
          key={`life-${p.id}`}
          x1={lifelineX[p.id]}
          x2={lifelineX[p.id]}
          y1={0}
          y2={height}
          stroke="var(--line)"
          strokeWidth={snapshot?.down.includes(p.id) ? 1 : 2}
          strokeDasharray={snapshot?.down.includes(p.id) ? '3 6' : '8 6'}
        />
      ))}
    </>
  );
}
