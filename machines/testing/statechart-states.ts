/**
 * The states of a statechart as paths from its root (`running.polling` for a nested one), and the
 * states a recorded step says a process is in. Steps record a process's state as its name, or as
 * JSON when the value is nested; both turn into the same paths here, so a test can compare what
 * the machine defines with what the runs visited.
 */
import { initialTransition, type AnyStateMachine, type AnyStateNode, type StateValue } from 'xstate';
import type { PatternDefinition, ProcessSpec } from '../kernel/pattern';
import { defaultScenario } from '../kernel/scenario';

/** Every state the machine defines, nested ones included, parents before their children. */
export function definedStatePaths(machine: AnyStateMachine): string[] {
  const paths: string[] = [];
  const walk = (node: AnyStateNode) => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      paths.push(child.path.join('.'));
      walk(child);
    }
  };
  walk(machine.root);
  return paths;
}

/** The states a value is in: every active state and each of its ancestors. */
export function activeStatePaths(value: StateValue): string[] {
  const paths: string[] = [];
  const visit = (v: StateValue, prefix: string[]) => {
    if (typeof v === 'string') {
      paths.push([...prefix, v].join('.'));
      return;
    }
    for (const [key, child] of Object.entries(v)) {
      const here = [...prefix, key];
      paths.push(here.join('.'));
      if (child !== undefined) visit(child, here);
    }
  };
  visit(value, []);
  return paths;
}

/** What a step's `states` entry holds: a plain state name, or the JSON of a nested value. */
export function recordedStatePaths(recorded: string): string[] {
  return activeStatePaths(recorded.startsWith('{') ? (JSON.parse(recorded) as StateValue) : recorded);
}

/**
 * The states a process starts in, before its first step (no step records them): the ones its
 * definition enters first, and the ones it rests in once its start has run. They differ when the
 * first state never holds (it only picks where to go, with `always` transitions).
 */
export function initialStatePaths(spec: ProcessSpec): string[] {
  const entered: string[] = [];
  const enter = (node: AnyStateNode) => {
    entered.push(node.path.join('.'));
    if (node.type === 'parallel') for (const child of Object.values(node.states) as AnyStateNode[]) enter(child);
    else for (const target of node.initial?.target ?? []) enter(target);
  };
  for (const target of spec.machine.root.initial?.target ?? []) enter(target);
  return [...new Set([...entered, ...activeStatePaths(initialTransition(spec.machine, spec.input as never)[0].value)])];
}

/**
 * The shape of a statechart: its states and where each event leads from each. Patterns build
 * their machines afresh on every call, so two variants that run the same statechart hold two
 * objects; the same shape says they are one statechart, reached by the runs of either.
 */
export function statechartShape(machine: AnyStateMachine): string {
  const lines: string[] = [];
  const walk = (node: AnyStateNode) => {
    const transitions = [...node.transitions.entries()].map(([event, list]) => `${event}->${list.map((t) => (t.target ?? []).map((n) => n.id).join('+')).join('|')}`);
    const always = (node.always ?? []).map((t) => (t.target ?? []).map((n) => n.id).join('+'));
    lines.push(`${node.id} ${node.type} ${JSON.stringify((node.meta as { op?: string } | undefined)?.op ?? null)} [${transitions.join(' ')}] always[${always.join(' ')}]`);
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
  return lines.join('\n');
}

/** One process a run of the pattern starts: which variant, switch position and participant. */
export interface RunnableProcess {
  variant: string;
  idempotentConsumer: boolean;
  spec: ProcessSpec;
}

/**
 * Every process any run of the pattern starts, the client included, for every variant and both
 * positions of the idempotency switch (a pattern may build its processes from either).
 */
export function runnableProcesses(pattern: PatternDefinition): RunnableProcess[] {
  return pattern.info.variants.flatMap((variant) =>
    [false, true].flatMap((idempotentConsumer) => {
      const scenario = { ...defaultScenario(pattern.info.id), variant: variant.id, idempotentConsumer };
      const specs = [pattern.client(scenario), ...pattern.processes(scenario)];
      return specs.map((spec) => ({ variant: variant.id, idempotentConsumer, spec }));
    }),
  );
}
