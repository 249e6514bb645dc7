/**
 * Reading and writing scenarios as text: the URL query string of the lab page and the flags of
 * the command line both go through here, so a link and a command describe a run the same way.
 * Everything from outside is validated; a bad part is reported and replaced by its default, never
 * allowed to break the lab.
 */
import { echo } from './echo';
import { faultPoint } from './fault-point';
import { FAULT_KINDS, type PatternId } from './vocabulary';
import type { ArmedFault, Scenario } from './types';

export const MAX_ORDERS = 6;
export const MAX_FAULTS = 8;
export const MAX_ORDER_TIME_MS = 60_000;
export const MAX_SEED = 2 ** 31 - 1;
export const MAX_STEP = 100_000;
/** The n of `actor.operation:n`: no run comes near a thousand of one operation. */
export const MAX_OCCURRENCE = 999;
export const DEFAULT_SEED = 1;
export const DEFAULT_ORDERS = [0, 40];

/** The query parameters the lab reads; anything else in a link is reported, not silently dropped. */
export const SCENARIO_PARAMS = ['seed', 'variant', 'faults', 'idem', 'orders', 'step'] as const;
export type ScenarioParam = (typeof SCENARIO_PARAMS)[number];
export type ScenarioQuery = { [K in ScenarioParam]?: string | null };
/**
 * Parameters that change how a figure looks, not what runs (read by machines/embed/options.ts):
 * not scenario parts, but not unknown either, so a figure's link opened as a lab page is clean.
 */
export const PRESENTATION_PARAMS = ['panels', 'theme', 'outcome', 'size'] as const;

/**
 * One rejected part. `detail` is a phrase that follows the part's name, so the lab page can say
 * `seed must be …` and the command line `--seed must be …` from the same issue. `param` is the
 * name of a query parameter the lab does not read (its detail already names it).
 */
export interface ScenarioIssue {
  part: ScenarioParam | 'param';
  detail: string;
}

export interface ParsedScenario {
  scenario: Scenario;
  step: number | null;
  /** One readable line per rejected part; empty when the whole query was valid. */
  problems: string[];
  issues: ScenarioIssue[];
}

/** Actor id → the operations it performs, for the pattern being parsed (see machines/patterns/fault-targets.ts). */
export type FaultTargetMap = ReadonlyMap<string, readonly string[]>;

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const DECIMAL_RULE = 'a whole number written in decimal digits';
const FAULT_KIND_SET: ReadonlySet<string> = new Set(FAULT_KINDS);
const FAULT_SHAPE = `kind@actor.operation or kind@actor.operation:n, like crash@service.publish:1`;
const POINT = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.([a-z]+(?:-[a-z]+)*)(?::(.*))?$/;

/**
 * Plain decimal digits only, no sign, no leading zero, no exponent, no hex, no spaces: `Number()`
 * would read "0x10" as 16 and "1e3" as 1000, so a link would mean something other than it says.
 */
export function parseDecimal(text: string, max: number, min = 0): number | null {
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

const URL_LABEL: Record<ScenarioIssue['part'], string> = {
  seed: 'seed',
  variant: 'variant',
  faults: 'fault',
  idem: 'idem',
  orders: 'orders',
  step: 'step',
  param: '',
};

/** An issue as the lab page shows it. */
export function describeIssue(issue: ScenarioIssue): string {
  const label = URL_LABEL[issue.part];
  return label ? `${label} ${issue.detail}` : issue.detail;
}

export function defaultScenario(pattern: PatternId): Scenario {
  return {
    pattern,
    variant: 'default',
    seed: DEFAULT_SEED,
    faults: [],
    idempotentConsumer: false,
    orders: [...DEFAULT_ORDERS],
  };
}

/**
 * Reads the lab's parameters out of a query string (the first value of each) and reports every
 * other parameter, and every repeated one, instead of ignoring it.
 */
export function queryFromSearch(search: URLSearchParams): { query: ScenarioQuery; issues: ScenarioIssue[] } {
  const query: ScenarioQuery = {};
  const issues: ScenarioIssue[] = [];
  const known: ReadonlySet<string> = new Set(SCENARIO_PARAMS);
  const presentation: ReadonlySet<string> = new Set(PRESENTATION_PARAMS);
  const seen = new Map<string, number>();
  for (const [name] of search) seen.set(name, (seen.get(name) ?? 0) + 1);
  for (const [name, count] of seen) {
    if (presentation.has(name)) continue;
    if (!known.has(name)) {
      issues.push({ part: 'param', detail: `parameter ${echo(name)} is not one the lab reads (it reads ${SCENARIO_PARAMS.join(', ')}); ignored it` });
      continue;
    }
    query[name as ScenarioParam] = search.get(name);
    if (count > 1) issues.push({ part: name as ScenarioParam, detail: `appears ${count} times; used the first` });
  }
  return { query, issues };
}

/** `queryFromSearch` then `parseScenarioQuery`: what the lab page does with its address. */
export function parseScenarioSearch(
  pattern: PatternId,
  search: URLSearchParams,
  variants: readonly string[],
  faultTargets?: FaultTargetMap,
): ParsedScenario {
  const { query, issues } = queryFromSearch(search);
  const parsed = parseScenarioQuery(pattern, query, variants, faultTargets);
  const all = [...issues, ...parsed.issues];
  return { ...parsed, issues: all, problems: all.map(describeIssue) };
}

/**
 * Turns query parameters into a scenario. `variants` lists the pattern's known variant ids;
 * `faultTargets`, when given, lets a fault naming an actor or operation the pattern does not have
 * be reported rather than armed where it can never strike. An empty value means "the default".
 */
export function parseScenarioQuery(
  pattern: PatternId,
  query: ScenarioQuery,
  variants: readonly string[],
  faultTargets?: FaultTargetMap,
): ParsedScenario {
  const scenario = defaultScenario(pattern);
  const issues: ScenarioIssue[] = [];
  let step: number | null = null;
  const given = (value: string | null | undefined): value is string => value != null && value !== '';

  if (given(query.seed)) {
    const seed = parseDecimal(query.seed, MAX_SEED);
    if (seed !== null) scenario.seed = seed;
    else issues.push({ part: 'seed', detail: `must be ${DECIMAL_RULE}, from 0 to ${MAX_SEED}, like 42; got ${echo(query.seed)}` });
  }
  if (given(query.variant)) {
    if (variants.includes(query.variant)) scenario.variant = query.variant;
    else issues.push({ part: 'variant', detail: `must be one of ${variants.join(', ')}; got ${echo(query.variant)}` });
  }
  if (given(query.idem)) {
    if (query.idem === 'on' || query.idem === 'off') scenario.idempotentConsumer = query.idem === 'on';
    else issues.push({ part: 'idem', detail: `must be on or off; got ${echo(query.idem)}` });
  }
  if (given(query.orders)) {
    const orders = parseOrders(query.orders);
    if (typeof orders === 'string') issues.push({ part: 'orders', detail: orders });
    else scenario.orders = orders;
  }
  if (given(query.faults)) {
    const parts = query.faults.split(',');
    if (parts.length > MAX_FAULTS) issues.push({ part: 'faults', detail: `given ${parts.length} times; at most ${MAX_FAULTS} can be armed, so the first ${MAX_FAULTS} were kept` });
    for (const part of parts.slice(0, MAX_FAULTS)) {
      const fault = parseFault(part, pattern, faultTargets);
      if (typeof fault === 'string') issues.push({ part: 'faults', detail: fault });
      else if (!scenario.faults.some((f) => f.kind === fault.kind && f.at === fault.at)) scenario.faults.push(fault);
    }
  }
  if (given(query.step)) {
    step = parseDecimal(query.step, MAX_STEP);
    if (step === null) issues.push({ part: 'step', detail: `must be ${DECIMAL_RULE}, from 0 to ${MAX_STEP}, like 12; got ${echo(query.step)}` });
  }
  return { scenario, step, issues, problems: issues.map(describeIssue) };
}

/** Sorted arrival times, or the detail of what is wrong with them. */
function parseOrders(text: string): number[] | string {
  const parts = text.split(',');
  const rule = `must be arrival times in whole milliseconds written in decimal digits, from 0 to ${MAX_ORDER_TIME_MS}, separated by commas, like 0,40`;
  if (parts.length > MAX_ORDERS) return `must be at most ${MAX_ORDERS} arrival times; got ${parts.length} in ${echo(text)}`;
  const times = parts.map((part) => parseDecimal(part, MAX_ORDER_TIME_MS));
  if (times.some((t) => t === null)) return `${rule}; got ${echo(text)}`;
  return (times as number[]).sort((a, b) => a - b);
}

/** One `kind@actor.operation[:n]`, or the detail of what is wrong with it (following "fault"). */
function parseFault(raw: string, pattern: PatternId, targets: FaultTargetMap | undefined): ArmedFault | string {
  const text = raw.trim();
  const quoted = echo(text);
  const at = text.indexOf('@');
  const match = at > 0 ? POINT.exec(text.slice(at + 1)) : null;
  if (!match) return `must read ${FAULT_SHAPE}; got ${quoted}`;
  const kind = text.slice(0, at);
  if (!FAULT_KIND_SET.has(kind)) return `${quoted} has an unknown fault kind ${echo(kind)} (known: ${FAULT_KINDS.join(', ')})`;
  const [, actor, operation, n] = match as unknown as [string, string, string, string | undefined];
  const occurrence = n === undefined ? 1 : parseDecimal(n, MAX_OCCURRENCE, 1);
  if (occurrence === null) return `${quoted} has occurrence ${echo(n!)}; n must be ${DECIMAL_RULE}, from 1 to ${MAX_OCCURRENCE}`;
  if (targets) {
    const operations = targets.get(actor);
    if (!operations) return `${quoted} names no actor of ${pattern} (actors: ${[...targets.keys()].join(', ')})`;
    if (!operations.includes(operation)) return `${quoted} names no operation of ${actor} (its operations: ${operations.join(', ')})`;
  }
  return { kind: kind as ArmedFault['kind'], at: faultPoint(actor, operation, occurrence) };
}

export function formatFault(fault: ArmedFault): string {
  return `${fault.kind}@${fault.at}`;
}

/**
 * Percent-encoding that leaves what is legal in a query value and common in the lab's values
 * readable: `@ : , / ?` (faults read `crash@relay.mark:1`), `=` when asked, and spaces as given
 * (`+` in a query, literal inside a value that is itself a query). Shared links stay legible and
 * match what the command line prints.
 */
export function encodeQueryValue(value: string, { spaces = '%20', equals = false }: { spaces?: string; equals?: boolean } = {}): string {
  let text = encodeURIComponent(value).replace(/%40/g, '@').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3F/g, '?');
  if (equals) text = text.replace(/%3D/g, '=');
  return text.replace(/%20/g, spaces);
}

/** The query string for a scenario, leaving out whatever equals the default. */
export function scenarioToQuery(scenario: Scenario, step?: number | null): Record<string, string> {
  const query: Record<string, string> = {};
  if (scenario.variant !== 'default') query.variant = scenario.variant;
  if (scenario.seed !== DEFAULT_SEED) query.seed = String(scenario.seed);
  if (scenario.faults.length > 0) query.faults = scenario.faults.map(formatFault).join(',');
  if (scenario.idempotentConsumer) query.idem = 'on';
  if (scenario.orders.join(',') !== DEFAULT_ORDERS.join(',')) query.orders = scenario.orders.join(',');
  if (step != null) query.step = String(step);
  return query;
}
