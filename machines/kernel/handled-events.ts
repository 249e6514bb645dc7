/**
 * Whether a statechart reacts to an event type at all, from its definition. The broker's wake-up
 * goes to every process, and most have no transition for it: asking XState anyway builds a whole
 * macrostep (a new snapshot, eventless transitions checked) that changes nothing, a tenth of a
 * millisecond each, on every step of every run.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

const known = new WeakMap<AnyStateMachine, (type: string) => boolean>();

export function handlesEvent(machine: AnyStateMachine, type: string): boolean {
  let handles = known.get(machine);
  if (!handles) {
    handles = eventsHandledBy(machine);
    known.set(machine, handles);
  }
  return handles(type);
}

function eventsHandledBy(machine: AnyStateMachine): (type: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  let every = false;
  const visit = (node: AnyStateNode) => {
    // An eventless transition's guard is handed the event: any event might enable it.
    if (node.always && node.always.length > 0) every = true;
    for (const descriptor of node.transitions.keys()) {
      if (descriptor === '*') every = true;
      else if (descriptor.endsWith('.*')) prefixes.push(descriptor.slice(0, -1));
      else exact.add(descriptor);
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  if (every) return () => true;
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix));
}
