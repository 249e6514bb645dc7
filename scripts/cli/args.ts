/**
 * Turning argv into validated inputs. Scenario parts go through the same helper as the lab's URL
 * (`parseScenarioQuery`), so a command line and a link accept exactly the same values; anything it
 * would quietly replace by a default is an error here instead, because a script should fail loudly.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { echo, escapeControls } from '../../machines/kernel/echo';
import { parseScenarioQuery, type ScenarioIssue, type ScenarioQuery } from '../../machines/kernel/scenario';
import type { Scenario } from '../../machines/kernel/types';
import { PATTERN_IDS } from '../../machines/kernel/vocabulary';
import type { PatternDefinition } from '../../machines/kernel/pattern';
import { faultTargetsOf } from '../../machines/patterns/fault-targets';
import { getPattern } from '../../machines/patterns/index';
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
  if (extra !== undefined) throw new UsageError(`${command}: unexpected argument ${echo(extra)}`);
  return parsed;
}

function describeParseError(command: string, options: Options, error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = echo(/'(-[^' ]+)/.exec(message)?.[1] ?? '');
  const known = Object.keys(options).map((name) => `--${name}`).join(', ');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${command}: unknown flag ${flag} (known: ${known})`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message)) return `${command}: ${flag} takes no value`;
    return `${command}: ${flag} needs a value (write ${flag.slice(1, -1)}=<value> if it starts with "-")`;
  }
  return `${command}: ${escapeControls(message.split('. ')[0] ?? message)}`;
}

/** The pattern a user named; names what is wrong otherwise. */
export function knownPattern(id: string | undefined, command: string): PatternDefinition {
  const known = PATTERN_IDS.join(', ');
  if (id === undefined) throw new UsageError(`${command}: missing pattern; known: ${known}`);
  const pattern = getPattern(id);
  if (!pattern) throw new UsageError(`${command}: unknown pattern ${echo(id)}; known: ${known}`);
  return pattern;
}

export interface ScenarioFlags {
  seed?: string;
  variant?: string;
  fault?: string[];
  idempotent?: string;
  orders?: string;
}

const FLAG_NAMES: [keyof ScenarioFlags, keyof ScenarioQuery][] = [
  ['seed', 'seed'],
  ['variant', 'variant'],
  ['fault', 'faults'],
  ['idempotent', 'idem'],
  ['orders', 'orders'],
];

const FLAG_OF_PART: ReadonlyMap<ScenarioIssue['part'], string> = new Map(FLAG_NAMES.map(([flag, part]) => [part, flag]));

/** Builds the scenario from flags; every problem is an error (the URL would fall back to a default). */
export function scenarioFromFlags(command: string, pattern: PatternDefinition, flags: ScenarioFlags): Scenario {
  const query: ScenarioQuery = {};
  const problems: string[] = [];
  for (const [flag, part] of FLAG_NAMES) {
    const raw = flags[flag];
    if (raw === undefined) continue;
    const text = Array.isArray(raw) ? raw.join(',') : raw;
    // The URL helper reads an empty value as "use the default"; on a command line it is a mistake.
    if (text === '') problems.push(`--${flag} has an empty value`);
    else query[part] = text;
  }
  const variants = pattern.info.variants.map((v) => v.id);
  const parsed = parseScenarioQuery(pattern.info.id, query, variants, faultTargetsOf(pattern.info.id));
  problems.push(...parsed.issues.map((issue) => `--${FLAG_OF_PART.get(issue.part) ?? issue.part} ${issue.detail}`));
  if (problems.length > 0) throw new UsageError(`${command}: ${[...new Set(problems)].join('; ')}`);
  return parsed.scenario;
}
