/**
 * Why an armed fault did not strike, worked out from the run's own steps: its point never came,
 * or it came but the step there never reached the place where that kind takes effect, or another
 * armed fault took effect there first. The command line warns with it and the lab page shows it
 * on the fault's chip, so a typo or a misplaced fault never passes for "no anomaly".
 */
import { parseFaultPoint } from './fault-point';
import { formatFault } from './scenario';
import type { ArmedFault, StepRecord } from './types';
import { FAULT_NEEDS } from './vocabulary';

export type UnstruckReason =
  /** The point never occurred in this run. */
  | { kind: 'never-reached'; text: string }
  /** The point occurred, but the step there gave this kind nothing to strike. */
  | { kind: 'cannot-strike'; step: number; text: string }
  /** Another armed fault struck at that point first. */
  | { kind: 'preempted'; step: number; by: ArmedFault; text: string }
  /** Another fault armed at the same point, earlier in the list, is the one that step applied. */
  | { kind: 'shadowed'; step: number; by: ArmedFault; text: string };

export function sameFault(a: ArmedFault | undefined, b: ArmedFault): boolean {
  return a !== undefined && a.kind === b.kind && a.at === b.at;
}

/** The step where this fault struck, if it did. */
export function struckAt(steps: readonly StepRecord[], fault: ArmedFault): StepRecord | undefined {
  return steps.find((s) => sameFault(s.struck, fault));
}

/** Why `fault` did not strike in a run with these steps and armed faults; null when it struck. */
export function whyNotStruck(steps: readonly StepRecord[], fault: ArmedFault, armed: readonly ArmedFault[]): UnstruckReason | null {
  if (struckAt(steps, fault)) return null;
  const atPoint = steps.filter((s) => s.point === fault.at);
  // A pause leaves a step of its own at the point; the operation itself runs at the last one.
  const ran = atPoint.at(-1);
  if (!ran) return { kind: 'never-reached', text: neverReached(steps, fault) };

  if (ran.struck) return preempted(ran, ran.struck);
  if (!ran.faultKinds.includes(fault.kind)) {
    return {
      kind: 'cannot-strike',
      step: ran.index,
      text: `at ${fault.at} (step ${ran.index}) ${captionPhrase(ran.caption)}, so ${fault.kind} has nothing to strike: it needs ${FAULT_NEEDS[fault.kind]}`,
    };
  }
  const earlier = atPoint.find((s) => s.struck && !sameFault(s.struck, fault));
  if (earlier) return preempted(earlier, earlier.struck!);
  // The kind had its chance, so the step applied another fault armed at the same point.
  const by = armed.slice(0, armed.findIndex((f) => sameFault(f, fault))).find((f) => f.at === fault.at);
  if (by) {
    return {
      kind: 'shadowed',
      step: ran.index,
      by,
      text: `${formatFault(by)} is armed at the same point and comes first in the list: a step applies one fault`,
    };
  }
  // Unreachable while the kernel and the ports agree; said plainly rather than guessed at.
  return { kind: 'cannot-strike', step: ran.index, text: `at ${fault.at} (step ${ran.index}) ${captionPhrase(ran.caption)}, and ${fault.kind} did not strike` };
}

/** Every armed fault that did not strike, with its reason, in the order they were armed. */
export function unstruckFaults(steps: readonly StepRecord[], armed: readonly ArmedFault[]): { fault: ArmedFault; reason: UnstruckReason }[] {
  return armed.flatMap((fault) => {
    const reason = whyNotStruck(steps, fault, armed);
    return reason ? [{ fault, reason }] : [];
  });
}

function preempted(step: StepRecord, by: ArmedFault): UnstruckReason {
  return { kind: 'preempted', step: step.index, by, text: `another fault took effect there first: ${formatFault(by)} struck at step ${step.index}` };
}

function neverReached(steps: readonly StepRecord[], fault: ArmedFault): string {
  const { actor, operation } = parseFaultPoint(fault.at);
  const same = steps.filter((s) => s.actor === actor && s.operation === operation);
  const times = new Set(same.map((s) => s.point)).size;
  let text: string;
  if (!steps.some((s) => s.actor === actor)) text = `${actor} takes no step in this run`;
  else if (times === 0) text = `${actor} never does ${operation} in this run`;
  else text = `${actor}.${operation} happens only ${times} time${times === 1 ? '' : 's'} in this run (the last at step ${same.at(-1)!.index}), so ${fault.at} never comes`;
  // A fault that struck earlier may be what changed the run's course away from this point.
  const other = steps.find((s) => s.struck && !sameFault(s.struck, fault));
  return other ? `${text}; ${formatFault(other.struck!)} struck at step ${other.index} and changed what came after` : text;
}

/** "The consumer skips the change." → "the consumer skips the change", to follow "at <point>". */
function captionPhrase(caption: string): string {
  return caption.replace(/^The /, 'the ').replace(/\.$/, '');
}
