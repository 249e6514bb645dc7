import type { ArmedFault, FaultSite, Participant, RunResult, StepRecord } from '../../../machines/kernel/types';
import type { FaultKind } from '../../../machines/kernel/vocabulary';

/** What a fault menu needs to arm and disarm faults: where they can go and what is armed now. */
export interface FaultArming {
  sites: FaultSite[];
  armed: ArmedFault[];
  canArmMore: boolean;
  onArm: (fault: ArmedFault) => void;
  onDisarm: (fault: ArmedFault) => void;
}

/** The fault kinds a step can take: the ones its run recorded, else those its fault site lists. */
export function faultKindsAt(step: StepRecord, sites: FaultSite[]): FaultKind[] {
  if (step.faultKinds.length > 0) return step.faultKinds;
  return sites.find((s) => s.point === step.point)?.kinds ?? [];
}

/** The steps after `currentStep` that involve `actor` and can take at least one fault. */
export function upcomingFaultableSteps(
  result: RunResult,
  actor: string,
  participant: Participant | undefined,
  sites: FaultSite[],
  currentStep: number,
): StepRecord[] {
  // Passive participants (Postgres, the broker) have no steps of their own; what can go wrong
  // with them happens in the steps that talk to them.
  const touches = (s: StepRecord) =>
    s.actor === actor ||
    (!participant?.process && s.entries.some((seq) => {
      const e = result.trace[seq];
      return e !== undefined && (e.to === actor || e.from === actor);
    }));
  return result.steps.filter((s) => s.index > currentStep && touches(s) && faultKindsAt(s, sites).length > 0);
}
