/**
 * XState's pure `transition`, without its cost per call. `transition(machine, snapshot, event)`
 * builds a throwaway actor for every event, and the actor's constructor works out the machine's
 * initial state each time: in a long exploration that was a twentieth of all the time spent. The
 * scope it builds is inert (actions are collected, never run) and the lab's machines use no
 * actions that reach it (assign only; no children, sendTo or raise), so one scope per machine,
 * made once, gives the same next snapshot.
 */
import { createActor, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';

const scopes = new WeakMap<AnyStateMachine, AnyActorScope>();

function inertScope(machine: AnyStateMachine): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    scope = { self, id: '', sessionId: '', system: self.system, logger: () => {}, defer: () => {}, emit: () => {}, stopChild: () => {}, actionExecutor: () => {} };
    scopes.set(machine, scope);
  }
  return scope;
}

export function nextSnapshot(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject): AnyMachineSnapshot {
  return machine.transition(snapshot, event, inertScope(machine)) as AnyMachineSnapshot;
}

/** XState's `initialTransition`, on the same scope. */
export function initialSnapshot(machine: AnyStateMachine, input?: unknown): AnyMachineSnapshot {
  return machine.getInitialSnapshot(inertScope(machine), input) as AnyMachineSnapshot;
}
