/**
 * A process as the simulation drives it, and the small readings of its statechart the scheduler
 * and the step records need (kept apart so simulation.ts stays about the run itself).
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { Operation, ProcessSpec, StateMeta } from './pattern';
import type { StepFacts } from './types';
import type { FaultKind } from './vocabulary';

export interface LiveProcess {
  spec: ProcessSpec;
  label: string;
  snapshot: AnyMachineSnapshot;
  /** Virtual time of its next operation; Infinity while it waits for an event. */
  wakeAt: number;
  /** The step at which it last found nothing to do, or -1 while it has work. */
  settledAtStep: number;
}

export function stateName(snapshot: AnyMachineSnapshot): string {
  return typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
}

export function currentMeta(snapshot: AnyMachineSnapshot): StateMeta {
  return Object.assign({}, ...Object.values(snapshot.getMeta() as Record<string, StateMeta>));
}

/**
 * The fault kinds a step lists: a crash wherever the process can crash and a pause wherever the
 * operation takes one (the kernel applies both before the operation runs), and its other kinds
 * only where the operation reached the place they take effect (it asked for them there).
 */
export function listedFaultKinds(op: Operation<unknown>, reached: ReadonlySet<FaultKind>): FaultKind[] {
  return [...(op.crashable ? (['crash'] as const) : []), ...op.faults.filter((kind) => kind === 'pause' || reached.has(kind))];
}

export function stepFacts(orders: readonly number[], lockRefusals: number[]): StepFacts {
  return { orders: [...new Set(orders)].sort((a, b) => a - b), ...(lockRefusals.length > 0 ? { lockRefusals } : {}) };
}
