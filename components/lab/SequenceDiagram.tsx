'use client';

import { useMemo, useRef, useState } from 'react';
import type { ArmedFault, FaultSite, RunResult, WorldSnapshot } from '../../machines/kernel/types';
import { SequenceArrow, type ArrowState } from './SequenceArrow';
import { GUTTER, layoutSequence } from './sequence-layout';
import { ArrowMenu } from './sequence/ArrowMenu';
import { HEADER_HEIGHT } from './sequence/constants';
import { LifelineHeaders, Lifelines } from './sequence/Lifelines';
import { LifelineMenu } from './sequence/LifelineMenu';
import { SequenceMarkers } from './sequence/SequenceMarkers';
import { SqlTooltip } from './sequence/SqlTooltip';
import { NowLine, StepBands, StepGutter } from './sequence/StepBands';
import { useArrowFocus } from './sequence/useArrowFocus';
import { useClientWidth } from './sequence/useClientWidth';
import { useDiagramMenu } from './sequence/useDiagramMenu';
import { useScrollCurrentStepIntoView } from './sequence/useScrollCurrentStepIntoView';
import { useStepToDrawIn } from './sequence/useStepToDrawIn';
import { usePrefersReducedMotion } from './usePrefersReducedMotion';

export interface SequenceDiagramProps {
  result: RunResult;
  sites: FaultSite[];
  step: number;
  snapshot: WorldSnapshot | undefined;
  armed: ArmedFault[];
  canArmMore: boolean;
  onArm: (fault: ArmedFault) => void;
  onDisarm: (fault: ArmedFault) => void;
  onGoToStep: (step: number) => void;
}

function arrowState(entryStep: number, step: number): ArrowState {
  if (entryStep === step) return 'current';
  return entryStep < step ? 'done' : 'upcoming';
}

/**
 * The run as a sequence diagram: lifelines, one arrow per trace entry. Past steps are solid and
 * upcoming ones ghosted; any arrow opens a menu (details for the past, faults for the future).
 */
export function SequenceDiagram({
  result,
  sites,
  step,
  snapshot,
  armed,
  canArmMore,
  onArm,
  onDisarm,
  onGoToStep,
}: SequenceDiagramProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const availableWidth = useClientWidth(scrollRef, 800);
  const [hovered, setHovered] = useState<number | null>(null);
  const reducedMotion = usePrefersReducedMotion();

  const { participants, steps, trace } = result;
  const layout = useMemo(
    () => layoutSequence(participants, steps, trace, availableWidth),
    [participants, steps, trace, availableWidth],
  );

  const animateStep = useStepToDrawIn(step, reducedMotion);
  useScrollCurrentStepIntoView(scrollRef, layout, step, reducedMotion);
  const { menu, openEntry, openActor, closeMenu, dismissMenu } = useDiagramMenu(scrollRef, layout);
  const { tabSeq, moveFocus } = useArrowFocus(scrollRef, layout, step);

  // A choice in a menu is done once made: the menu closes, and focus stays where the choice left it.
  const arming = {
    sites,
    armed,
    canArmMore,
    onArm: (fault: ArmedFault) => {
      onArm(fault);
      dismissMenu();
    },
    onDisarm: (fault: ArmedFault) => {
      onDisarm(fault);
      dismissMenu();
    },
  };
  const menuWidth = Math.max(layout.width, availableWidth);
  // No SQL tooltip over an open menu.
  const hoveredRow = hovered == null || menu ? undefined : layout.rows.find((r) => r.entry.seq === hovered);

  return (
    <div className="flex h-full flex-col" data-testid="sequence-diagram">
      <div
        ref={scrollRef}
        className="relative max-h-[70vh] min-h-[320px] flex-1 overflow-auto overscroll-contain rounded-md border border-line bg-surface xl:max-h-[calc(100vh-15rem)]"
        tabIndex={-1}
      >
        <div className="relative" style={{ width: layout.width, minHeight: layout.height + HEADER_HEIGHT }}>
          <LifelineHeaders
            participants={participants}
            layoutWidth={layout.width}
            columnWidth={layout.columnWidth}
            snapshot={snapshot}
            onOpen={openActor}
          />
          <div className="flex">
            {/* Pinned left; the negative margin lays it over the main SVG's own gutter. */}
            <div className="sticky left-0 z-[5] shrink-0" style={{ width: GUTTER, marginRight: -GUTTER }}>
              <StepGutter steps={steps} layout={layout} step={step} armed={armed} />
            </div>
            <svg
              width={layout.width}
              height={layout.height}
              role="group"
              aria-label={`Sequence diagram with ${steps.length} steps; step ${step} is the current one.`}
              className="block select-none"
            >
              <SequenceMarkers />
              <StepBands steps={steps} layout={layout} step={step} />
              <Lifelines participants={participants} lifelineX={layout.lifelineX} height={layout.height} snapshot={snapshot} />
              <NowLine layout={layout} step={step} />
              {layout.rows.map((row) => (
                <SequenceArrow
                  key={row.entry.seq}
                  row={row}
                  state={arrowState(row.entry.step, step)}
                  animate={row.entry.step === animateStep}
                  width={layout.width}
                  gutter={GUTTER}
                  onOpen={openEntry}
                  onHover={setHovered}
                  tabbable={row.entry.seq === tabSeq}
                  onMoveFocus={moveFocus}
                />
              ))}
            </svg>
          </div>

          <SqlTooltip row={hoveredRow} />

          {menu?.type === 'entry' && (
            <ArrowMenu
              {...arming}
              seq={menu.seq}
              x={menu.x}
              y={menu.y}
              visible={menu.visible}
              maxWidth={menuWidth}
              result={result}
              currentStep={step}
              onGoToStep={(n) => {
                onGoToStep(n);
                dismissMenu();
              }}
              onClose={closeMenu}
            />
          )}
          {menu?.type === 'actor' && (
            <LifelineMenu
              {...arming}
              actor={menu.actor}
              x={menu.x}
              y={menu.y}
              visible={menu.visible}
              maxWidth={menuWidth}
              result={result}
              currentStep={step}
              onClose={closeMenu}
            />
          )}
        </div>
      </div>
      <p className="mt-2 text-sm text-muted">
        Click or press Enter on an upcoming (faded) arrow to arm a fault there; click a lifeline&apos;s name for all its
        upcoming steps. Hover or focus an arrow marked SQL to read the statements; ↑ and ↓ move between arrows.
      </p>
    </div>
  );
}
