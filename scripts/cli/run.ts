/** `lab run`: one scenario, shown as the numbered steps the lab page would play, then its outcome. */
import { faultSites, runScenario } from '../../machines/kernel/explore';
import { formatFault } from '../../machines/kernel/scenario';
import type { ArmedFault, RunResult } from '../../machines/kernel/types';
import { parseFlags, runnablePattern, scenarioFromFlags } from './args';
import { note, print, printJson, withDatabase } from './io';
import { indent, table } from './text';

const RUN_OPTIONS = {
  fault: { type: 'string', multiple: true },
  seed: { type: 'string' },
  idempotent: { type: 'string' },
  variant: { type: 'string' },
  orders: { type: 'string' },
  points: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('run', args, RUN_OPTIONS, 1);
  const pattern = runnablePattern(positionals[0], 'run');
  const scenario = scenarioFromFlags('run', pattern, values);
  if (scenario.idempotentConsumer && !pattern.info.hasConsumer) note(`note: ${pattern.info.id} has no consumer, so --idempotent changes nothing`);

  const result = await withDatabase((db) => runScenario(db, pattern, scenario));
  for (const warning of unstruckFaults(result)) note(`warning: ${warning}`);

  if (values.json) printJson(result);
  else print(describeRun(result, pattern.info.title, values.points ?? false));
  return 0;
}

/** Armed faults that never took effect, and why: a typo in a point must not pass for "no anomaly". */
export function unstruckFaults(result: RunResult): string[] {
  return result.scenario.faults.flatMap((fault) => {
    if (result.steps.some((s) => sameFault(s.struck, fault))) return [];
    const step = result.steps.find((s) => s.point === fault.at);
    const text = formatFault(fault);
    if (!step) return [`${text} armed but never reached: this run has no step ${fault.at} (list the points with --points)`];
    if (!step.faultKinds.includes(fault.kind))
      return [`${text} reached at step ${step.index}, but ${fault.kind} cannot strike there (allowed: ${step.faultKinds.join(', ') || 'none'})`];
    return [`${text} reached at step ${step.index} but did not strike (another fault took effect there first)`];
  });
}

function sameFault(a: ArmedFault | undefined, b: ArmedFault): boolean {
  return a !== undefined && a.kind === b.kind && a.at === b.at;
}

function describeRun(result: RunResult, title: string, showPoints: boolean): string {
  const { scenario, outcome } = result;
  const header = [
    `${title} (${scenario.pattern}, variant ${scenario.variant})`,
    [
      `seed ${scenario.seed}`,
      `orders at ${scenario.orders.join(', ')} ms`,
      `idempotent consumer ${scenario.idempotentConsumer ? 'on' : 'off'}`,
      `faults: ${scenario.faults.map(formatFault).join(', ') || 'none'}`,
    ].join(' · '),
  ].join('\n');

  const rows = [['', 'step', 'ms', 'point', 'what happens'], ...result.steps.map((s) => [
    s.struck ? '✗' : '',
    String(s.index),
    String(s.t),
    s.point,
    s.struck ? `${s.caption}  [${s.struck.kind} struck here]` : s.caption,
  ])];
  const steps = table(rows, ['left', 'right', 'right']);

  const anomalies = outcome.anomalies.map((a) =>
    [
      `${a.id} — ${a.subject}`,
      indent(`why: ${a.why}`),
      indent('evidence:'),
      indent(table(a.evidence.map((e) => [e.ref, e.detail])), '      '),
    ].join('\n'),
  );
  const outcomeText = [`Outcome: ${outcome.summary}`, ...anomalies.map((a) => indent(a))].join('\n');

  const sites = faultSites(result.steps);
  const points = showPoints
    ? ['Fault points in this run (arm one with --fault <kind>@<point>):', indent(table(sites.map((s) => [s.point, s.kinds.join(', '), s.caption])))].join('\n')
    : `${sites.length} fault points in this run; list them with --points.`;

  return [header, steps, outcomeText, points].join('\n\n');
}
