/** `lab run`: one scenario, shown as the numbered steps the lab page would play, then its outcome. */
import { faultSites, runScenario } from '../../machines/kernel/explore';
import { echo } from '../../machines/kernel/echo';
import { formatFault, parseDecimal } from '../../machines/kernel/scenario';
import { DEFAULT_MAX_STEPS } from '../../machines/kernel/simulation';
import type { RunResult } from '../../machines/kernel/types';
import { unstruckFaults as unstruckWithReasons } from '../../machines/kernel/unstruck';
import { knownPattern, parseFlags, scenarioFromFlags } from './args';
import { EXIT_NOT_SETTLED, EXIT_OK, UsageError } from './errors';
import { note, print, printJson } from './io';
import { SERVER_OPTIONS, serverTarget, withLabStore } from './server';
import { indent, table } from './text';

const RUN_OPTIONS = {
  fault: { type: 'string', multiple: true },
  seed: { type: 'string' },
  idempotent: { type: 'string' },
  variant: { type: 'string' },
  orders: { type: 'string' },
  points: { type: 'boolean' },
  'max-steps': { type: 'string' },
  json: { type: 'boolean' },
  ...SERVER_OPTIONS,
} as const;

/** The most steps `--max-steps` may ask for: ten times the default limit. */
const MAX_STEP_LIMIT = DEFAULT_MAX_STEPS * 10;

function stepLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_STEPS;
  const limit = parseDecimal(text, MAX_STEP_LIMIT, 1);
  if (limit === null) throw new UsageError(`run: --max-steps must be a whole number from 1 to ${MAX_STEP_LIMIT}; got ${echo(text)}`);
  return limit;
}

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('run', args, RUN_OPTIONS, 1);
  const pattern = knownPattern(positionals[0], 'run');
  const scenario = scenarioFromFlags('run', pattern, values);
  const maxSteps = stepLimit(values['max-steps']);
  // The flag only: LAB_DATABASE_URL picks crosscheck's server, never where a plain run goes.
  const target = serverTarget('run', values);
  if (scenario.idempotentConsumer && !pattern.info.hasConsumer) note(`note: ${pattern.info.id} has no consumer, so --idempotent changes nothing`);

  const result = await withLabStore(target, [pattern], (db) => runScenario(db, pattern, scenario, { maxSteps }));
  for (const warning of unstruckFaults(result)) note(`warning: ${warning}`);

  if (values.json) printJson(result);
  else print(describeRun(result, pattern.info.title, values.points ?? false));
  // A run cut off at the step limit has no final outcome; a script must not read it as one.
  return result.outcome.settled ? EXIT_OK : EXIT_NOT_SETTLED;
}

/** Armed faults that never took effect, and why: a typo in a point must not pass for "no anomaly". */
export function unstruckFaults(result: RunResult): string[] {
  return unstruckWithReasons(result.steps, result.scenario.faults).map(({ fault, reason }) => {
    const text = formatFault(fault);
    if (reason.kind === 'never-reached') return `${text} armed but never reached: ${reason.text} (list the points with --points)`;
    if (reason.kind === 'cannot-strike') {
      const kinds = result.steps.find((s) => s.index === reason.step)?.faultKinds ?? [];
      return `${text} did not strike: ${reason.text} (armable there: ${kinds.join(', ') || 'nothing'})`;
    }
    return `${text} did not strike: ${reason.text}`;
  });
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
