'use client';

import type { RunResult } from '../../../machines/kernel/types';
import { FaultMenu, FaultOptions } from '../FaultMenu';
import type { VisibleArea } from './useDiagramMenu';
import { faultKindsAt, upcomingFaultableSteps, type FaultArming } from './faultSites';

/**
 * The menu a lifeline's name opens: every upcoming step of that participant that can take a
 * fault, each with its fault options, so faults can be armed without hunting for arrows.
 */
export function LifelineMenu({
  actor,
  x,
  y,
  visible,
  maxWidth,
  result,
  currentStep,
  sites,
  armed,
  canArmMore,
  onArm,
  onDisarm,
  onClose,
}: FaultArming & {
  actor: string;
  x: number;
  y: number;
  visible: VisibleArea;
  maxWidth: number;
  result: RunResult;
  currentStep: number;
  onClose: () => void;
}) {
  const participant = result.participants.find((p) => p.id === actor);
  const upcoming = upcomingFaultableSteps(result, actor, participant, sites, currentStep);
  return (
    <FaultMenu
      x={x}
      y={y}
      visible={visible}
      maxWidth={maxWidth}
      label={`Upcoming steps of ${participant?.label ?? actor}`}
      onClose={onClose}
    >
      {upcoming.length === 0 ? (
        <p className="text-muted">No upcoming step here can take a fault. Step back to see earlier ones.</p>
      ) : (
        <ul className="space-y-3">
          {upcoming.map((s) => (
            <li key={s.index}>
              <p className="mb-1">
                <span className="font-semibold">Step {s.index}</span> · {s.caption}{' '}
                <code className="font-mono text-xs text-muted">{s.point}</code>
              </p>
              <FaultOptions
                point={s.point}
                kinds={faultKindsAt(s, sites)}
                armed={armed}
                onArm={onArm}
                onDisarm={onDisarm}
                canArmMore={canArmMore}
              />
            </li>
          ))}
        </ul>
      )}
    </FaultMenu>
  );
}
