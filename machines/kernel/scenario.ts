/**
 * Reading and writing scenarios as text: the URL query string of the lab page and the flags of
 * the command line both go through here, so a link and a command describe a run the same way.
 * Everything from outside is validated; a bad part is reported and replaced by its default, never
 * allowed to break the lab.
 */
import { z } from 'zod';
import { FAULT_KINDS, type PatternId } from './vocabulary';
import type { ArmedFault, Scenario } from './types';
import { parseFaultPoint } from './fault-point';

export const MAX_ORDERS = 6;
export const MAX_FAULTS = 8;
export const MAX_ORDER_TIME_MS = 60_000;
export const DEFAULT_SEED = 1;
export const DEFAULT_ORDERS = [0, 40];

const seedSchema = z.coerce.number().int().min(0).max(2 ** 31 - 1);

const faultSchema = z
  .string()
  .regex(/^[a-z]+(-[a-z]+)*@[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z]+(-[a-z]+)*(:[1-9][0-9]{0,2})?$/, 'expected kind@actor.operation[:n]')
  .transform((text, ctx): ArmedFault => {
    const [kind, at] = text.split('@') as [string, string];
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      ctx.addIssue({ code: 'custom', message: `unknown fault kind "${kind}" (known: ${FAULT_KINDS.join(', ')})` });
      return z.NEVER;
    }
    return { kind: kind as ArmedFault['kind'], at: parseFaultPoint(at).canonical };
  });

const ordersSchema = z
  // Digits only: coercion would read an empty item as 0.
  .array(z.string().regex(/^\d{1,6}$/, 'each order time is whole milliseconds').transform(Number).pipe(z.number().max(MAX_ORDER_TIME_MS)))
  .min(1, 'at least one order')
  .max(MAX_ORDERS, `at most ${MAX_ORDERS} orders`);

export interface ScenarioQuery {
  seed?: string | null;
  variant?: string | null;
  faults?: string | null;
  idem?: string | null;
  orders?: string | null;
  step?: string | null;
}

export interface ParsedScenario {
  scenario: Scenario;
  step: number | null;
  /** One readable line per rejected part; empty when the whole query was valid. */
  problems: string[];
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
 * Turns query parameters into a scenario. `variants` lists the pattern's known variant ids.
 */
export function parseScenarioQuery(
  pattern: PatternId,
  query: ScenarioQuery,
  variants: readonly string[],
): ParsedScenario {
  const scenario = defaultScenario(pattern);
  const problems: string[] = [];
  let step: number | null = null;

  if (query.seed != null && query.seed !== '') {
    const seed = seedSchema.safeParse(query.seed);
    if (seed.success) scenario.seed = seed.data;
    else problems.push(`seed "${query.seed}" is not a whole number from 0 to ${2 ** 31 - 1}`);
  }
  if (query.variant != null && query.variant !== '') {
    if (variants.includes(query.variant)) scenario.variant = query.variant;
    else problems.push(`variant "${query.variant}" is not one of: ${variants.join(', ')}`);
  }
  if (query.idem != null && query.idem !== '') {
    if (query.idem === 'on' || query.idem === 'off') scenario.idempotentConsumer = query.idem === 'on';
    else problems.push(`idem must be "on" or "off", not "${query.idem}"`);
  }
  if (query.orders != null && query.orders !== '') {
    const orders = ordersSchema.safeParse(query.orders.split(','));
    if (orders.success) scenario.orders = [...orders.data].sort((a, b) => a - b);
    else problems.push(`orders "${query.orders}": ${orders.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (query.faults != null && query.faults !== '') {
    const parts = query.faults.split(',');
    if (parts.length > MAX_FAULTS) problems.push(`at most ${MAX_FAULTS} faults; kept the first ${MAX_FAULTS}`);
    for (const part of parts.slice(0, MAX_FAULTS)) {
      const fault = parseFaultText(part);
      if (typeof fault === 'string') problems.push(fault);
      else if (!scenario.faults.some((f) => f.kind === fault.kind && f.at === fault.at)) scenario.faults.push(fault);
    }
  }
  if (query.step != null && query.step !== '') {
    const parsed = z.coerce.number().int().min(0).max(100_000).safeParse(query.step);
    if (parsed.success) step = parsed.data;
    else problems.push(`step "${query.step}" is not a step number`);
  }
  return { scenario, step, problems };
}

/** Parses one `kind@actor.operation[:n]`; returns a message when it is not one. */
export function parseFaultText(text: string): ArmedFault | string {
  const parsed = faultSchema.safeParse(text.trim());
  if (parsed.success) return parsed.data;
  return `fault "${text}": ${parsed.error.issues[0]?.message ?? 'invalid'}`;
}

export function formatFault(fault: ArmedFault): string {
  return `${fault.kind}@${fault.at}`;
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
