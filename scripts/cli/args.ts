/**
 * Turning argv into validated inputs. Scenario parts go through the same helper as the lab's URL
 * (`parseScenarioQuery`), so a command line and a link accept exactly the same values; anything it
 * would quietly replace by a default is an error here instead, because a script should fail loudly.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseScenarioQuery, type ScenarioQuery } from '../../machines/kernel/scenario';
import type { Scenario } from '../../machines/kernel/types';
import { PATTERN_IDS, isPatternId } from '../../machines/kernel/vocabulary';
import type { PatternDefinition } from '../../machines/kernel/pattern';
import { PATTERNS, getPattern } from '../../machines/patterns/index';
import { UsageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, with its errors rewritten as one line naming the command and the flag. */
export function parseFlags<const T extends Options>(command: string, args: string[], options: T, maxPositionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(command, options, error));
  }
  const extra = parsed.positionals[maxPositionals];
  if (extra !== undefined) throw new UsageError(`${command}: unexpected argument "${extra}"`);
  return parsed;
}

function describeParseError(command: string, options: Options, error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  const known = Object.keys(options).map((name) => `--${name}`).join(', ');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${command}: unknown flag ${flag} (known: ${known})`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message)) return `${command}: ${flag} takes no value`;
    return `${command}: ${flag} needs a value (write ${flag}=<value> if it starts with "-")`;
  }
  return `${command}: ${message.split('. ')[0]}`;
}

/** A pattern id that the simulation can run; names what is wrong otherwise. */
export function runnablePattern(id: string | undefined, command: string): PatternDefinition {
  const runnable = runnablePatternIds().join(', ');
  if (id === undefined) throw new UsageError(`${command}: missing pattern (runnable: ${runnable})`);
  const pattern = getPattern(id);
  if (pattern) return pattern;
  if (isPatternId(id)) throw new UsageError(`${command}: pattern "${id}" cannot run yet (runnable: ${runnable})`);
  throw new UsageError(`${command}: unknown pattern "${id}" (known: ${PATTERN_IDS.join(', ')})`);
}

export function runnablePatternIds(): string[] {
  return PATTERN_IDS.filter((id) => PATTERNS[id]);
}

export interface ScenarioFlags {
  seed?: string;
  variant?: string;
  fault?: string[];
  idempotent?: string;
  orders?: string;
}

const FLAG_NAMES: Record<keyof ScenarioFlags, keyof ScenarioQuery> = {
  seed: 'seed',
  variant: 'variant',
  fault: 'faults',
  idempotent: 'idem',
  orders: 'orders',
};

/** Builds the scenario from flags; every problem is an error (the URL would fall back to a default). */
export function scenarioFromFlags(command: string, pattern: PatternDefinition, flags: ScenarioFlags): Scenario {
  const query: ScenarioQuery = {};
  const problems: string[] = [];
  const variants = pattern.info.variants.map((v) => v.id);
  for (const [flag, key] of Object.entries(FLAG_NAMES) as [keyof ScenarioFlags, keyof ScenarioQuery][]) {
    const raw = flags[flag];
    if (raw === undefined) continue;
    const text = Array.isArray(raw) ? raw.join(',') : raw;
    // The URL helper treats an empty value as "use the default"; on a command line it is a mistake.
    if (text.trim() === '' || (flag === 'orders' && text.split(',').some((part) => part.trim() === ''))) {
      problems.push(`--${flag} "${text}" has an empty value`);
      continue;
    }
    problems.push(...queryProblems(pattern, key, text, variants).map((p) => `--${flag}: ${p}`));
    query[key] = text;
  }
  if (problems.length > 0) throw new UsageError(`${command}: ${[...new Set(problems)].join('; ')}`);
  return parseScenarioQuery(pattern.info.id, query, variants).scenario;
}

function queryProblems(pattern: PatternDefinition, key: keyof ScenarioQuery, text: string, variants: string[]): string[] {
  try {
    return parseScenarioQuery(pattern.info.id, { [key]: text }, variants).problems;
  } catch (error) {
    // parseScenarioQuery throws on a fault point such as "crash@-x.y" instead of reporting it.
    return [`"${text}": ${error instanceof Error ? error.message : String(error)}`];
  }
}
