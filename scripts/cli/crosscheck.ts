/**
 * `lab crosscheck`: every exploration run (the set `lab explore` enumerates) on PGlite and on a
 * real server, compared line by line. PGlite is Postgres compiled to wasm, a different build and
 * usually a different major version than the server: this is what backs the lab's claim that its
 * SQL behaves as Postgres does.
 *
 * Both explorations run at once, one per database: while the server works on a statement,
 * PGlite runs its own in this process.
 */
import { explorePattern, type ExploredRun } from '../../machines/kernel/explore';
import type { LabStore } from '../../machines/kernel/component';
import type { PatternDefinition } from '../../machines/kernel/pattern';
import type { RunResult } from '../../machines/kernel/types';
import { PATTERN_IDS } from '../../machines/kernel/vocabulary';
import { knownPattern, parseFlags, scenarioFromFlags } from './args';
import { compareExplorations, linesOf, runKey, type Difference, type RunLines } from './crosscheck-diff';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors';
import { note, print, printJson, withDatabase } from './io';
import { SERVER_OPTIONS, serverTarget, unsupportedOnServer, withLabStore } from './server';
import { seconds } from './text';

/** Disagreements shown in full; the count of the rest is given. */
const SHOWN_DIFFERENCES = 20;

export interface PatternCheck {
  pattern: string;
  runs: number;
  agree: number;
  ms: number;
  differences: Difference[];
  /** Set when the pattern was not run on the server, with why. */
  skipped?: string;
}

export async function crosscheckCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('crosscheck', args, { json: { type: 'boolean' }, seed: { type: 'string' }, ...SERVER_OPTIONS }, PATTERN_IDS.length);
  const all = positionals.length === 0 || (positionals.length === 1 && positionals[0] === 'all');
  const patterns = all ? PATTERN_IDS.map((id) => knownPattern(id, 'crosscheck')) : [...new Set(positionals.map((p) => knownPattern(p, 'crosscheck')))];
  const seed = scenarioFromFlags('crosscheck', patterns[0]!, { seed: values.seed }).seed;
  // LAB_DATABASE_URL serves as the default here only: `run` and `explore` stay on PGlite without the flag.
  const target = serverTarget('crosscheck', values, process.env.LAB_DATABASE_URL || undefined);
  if (!target) throw new UsageError('crosscheck: needs a server to compare with: --database-url postgres://user@host:port/database (or LAB_DATABASE_URL)');

  const checkable: PatternDefinition[] = [];
  const checks: PatternCheck[] = [];
  for (const pattern of patterns) {
    const why = await unsupportedOnServer([pattern]);
    if (why) checks.push({ pattern: pattern.info.id, runs: 0, agree: 0, ms: 0, differences: [], skipped: why });
    else checkable.push(pattern);
  }
  for (const skipped of checks) note(`skipped ${skipped.skipped}`);

  const started = performance.now();
  if (checkable.length > 0) {
    await withDatabase((pglite) =>
      withLabStore(target, checkable, async (server) => {
        for (const pattern of checkable) {
          const check = await crosscheckPattern(pglite, server, pattern, seed);
          note(`${check.agree === check.runs ? '✓' : '✗'} ${pattern.info.id}: ${check.agree}/${check.runs} runs agree (${seconds(check.ms)})`);
          checks.push(check);
        }
      }),
    );
  }
  const checked = checks.filter((c) => !c.skipped);
  const runs = checked.reduce((n, c) => n + c.runs, 0);
  const agree = checked.reduce((n, c) => n + c.agree, 0);
  const elapsed = performance.now() - started;

  if (values.json) printJson({ seed, runs, agree, ms: Math.round(elapsed), patterns: checks });
  else print(describe(checks, runs, agree, elapsed));
  return agree === runs ? EXIT_OK : EXIT_FAILURE;
}

/** One pattern's exploration on both databases at once, then run by run compared. */
export async function crosscheckPattern(pglite: LabStore, server: LabStore, pattern: PatternDefinition, seed: number): Promise<PatternCheck> {
  const started = performance.now();
  const collect = (into: RunLines[]) => (result: RunResult, run: ExploredRun) => into.push({ key: runKey(run), lines: linesOf(result) });
  const onPglite: RunLines[] = [];
  const onServer: RunLines[] = [];
  // A live counter on a terminal only (the server's side: it is the slower of the two).
  const progress = process.stderr.isTTY ? (n: number, of: number) => process.stderr.write(`\rcrosschecking ${pattern.info.id}: ${n}/${of}${n === of ? '\r\x1b[K' : ''}`) : undefined;
  await Promise.all([
    explorePattern(pglite, pattern, { seed, onRun: collect(onPglite) }),
    explorePattern(server, pattern, { seed, onRun: collect(onServer), onProgress: progress }),
  ]);
  const compared = compareExplorations(onPglite, onServer);
  return { pattern: pattern.info.id, runs: compared.total, agree: compared.agree, ms: performance.now() - started, differences: compared.differences };
}

function describe(checks: PatternCheck[], runs: number, agree: number, ms: number): string {
  const out: string[] = [];
  const differences = checks.flatMap((c) => c.differences.map((d) => ({ pattern: c.pattern, ...d })));
  for (const d of differences.slice(0, SHOWN_DIFFERENCES)) {
    out.push(`✗ ${d.pattern} (${d.key}): first difference in a ${d.what}`, `    PGlite: ${d.pglite}`, `    server: ${d.server}`);
  }
  if (differences.length > SHOWN_DIFFERENCES) out.push(`… and ${differences.length - SHOWN_DIFFERENCES} more disagreeing runs (--json lists them all)`);
  for (const c of checks.filter((c) => c.skipped)) out.push(`not checked: ${c.skipped}`);
  out.push(`${agree}/${runs} runs agree (${checks.filter((c) => !c.skipped).length} patterns, ${seconds(ms)})`);
  return out.join('\n');
}
