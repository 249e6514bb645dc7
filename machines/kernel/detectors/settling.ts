/**
 * A run that never settles gets no clean verdict. What the checker can still say is what kept it
 * going: who was still stepping at the end, and whether the tail of the run is one short cycle of
 * operations repeating (a livelock: busy forever, getting nowhere) rather than work still under way.
 */
import type { StepRecord, Unsettled } from '../types';

/** How many of the last steps are looked at to tell what kept the run going. */
const TAIL = 60;
/** The longest cycle (in steps) still called a loop. */
const MAX_CYCLE = 8;

function operationOf(step: StepRecord): string {
  return `${step.actor}.${step.operation}`;
}

/** The shortest period with which `ops` repeats from start to end, or null. */
function period(ops: string[]): number | null {
  for (let p = 1; p <= MAX_CYCLE && p * 3 <= ops.length; p++) {
    if (ops.every((op, i) => i < p || op === ops[i - p])) return p;
  }
  return null;
}

function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

export function describeUnsettled(steps: readonly StepRecord[], limit: number): Unsettled {
  const tail = steps.slice(-TAIL);
  const ops = tail.map(operationOf);
  const cycleLength = period(ops);
  const busy = [...new Set(tail.map((s) => s.actor))];
  if (cycleLength !== null) {
    // How far back the same cycle goes: it is named from where it began repeating.
    const all = steps.map(operationOf);
    let start = all.length - ops.length;
    while (start > 0 && all[start - 1] === all[start - 1 + cycleLength]) start--;
    const cycle = all.slice(start, start + cycleLength);
    const repeats = Math.floor((all.length - start) / cycleLength);
    const sinceStep = steps[start]?.index ?? 1;
    return {
      limit,
      livelock: true,
      busy,
      cycle,
      sinceStep,
      why: `From step ${sinceStep} the run repeats ${cycle.join(' → ')} (${times(repeats)}) and nothing else happens: a livelock, busy forever without getting anywhere.`,
    };
  }
  if (steps.length < limit) {
    return {
      limit,
      livelock: false,
      busy,
      why: `After step ${steps.at(-1)?.index ?? 0} nobody was due to act, yet not everyone had finished: the run is stuck waiting for something that never comes.`,
    };
  }
  const counts = busy.map((actor) => `${actor} (${tail.filter((s) => s.actor === actor).length} of the last ${tail.length} steps)`);
  return {
    limit,
    livelock: false,
    busy,
    why: `The run reached its limit of ${limit} steps with work still going on: ${counts.join(', ')}.`,
  };
}
