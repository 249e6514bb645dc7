/**
 * `lab crosscheck`: every exploration run (the set `lab explore` enumerates) on PGlite and on a
 * real server, compared line by line. PGlite is Postgres compiled to wasm, a different build and
 * usually a different major version than the server: this is what backs the lab's claim that its
 * SQL behaves as Postgres does.
 *
 * Both explorations run at once, one per database: while the server works on a statement,
 * PGlite runs its own in this process.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { explorePattern } from '../../machines/kernel/explore';
import type { LabStore } from '../../machines/kernel/component';
import type { PatternDefinition } from '../../machines/kernel/pattern';
import { ensureBootImage } from '../../machines/runtime/boot-image-node';
import { PATTERN_IDS } from '../../machines/kernel/vocabulary';
import { knownPattern, parseFlags, scenarioFromFlags } from './args';
import { compareExplorations, firstPointOfEachKind, runKey, type Difference, type RunLines } from './crosscheck-diff';
import { CDC_COMPARED_BY_MEANING, comparableLines } from './crosscheck-meaning';
import { readsWal } from '../../machines/runtime/pg-preflight';
import type { FromCrosscheckWorker, ToCrosscheckWorker } from './crosscheck-worker';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors';
import { note, print, printJson } from './io';
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
  /** A CDC pattern: compared by meaning where the two decoders must differ (crosscheck-meaning.ts). */
  byMeaning?: boolean;
}

export async function crosscheckCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('crosscheck', args, { json: { type: 'boolean' }, seed: { type: 'string' }, quick: { type: 'boolean' }, ...SERVER_OPTIONS }, PATTERN_IDS.length);
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
  const quick = values.quick ?? false;
  if (checkable.length > 0) {
    const pglite = await startPgliteSide();
    try {
      // Every pattern queued at once: the PGlite side works ahead while the server catches up.
      const pgliteRuns = checkable.map((p) => pglite.explore(p.info.id, seed, quick));
      await withLabStore(target, checkable, async (server) => {
        for (const [i, pattern] of checkable.entries()) {
          const check = await crosscheckPattern(pgliteRuns[i]!, server, pattern, seed, quick);
          note(`${check.agree === check.runs ? '✓' : '✗'} ${pattern.info.id}: ${check.agree}/${check.runs} runs agree (${seconds(check.ms)})`);
          checks.push(check);
        }
      });
    } finally {
      pglite.stop();
    }
  }
  const checked = checks.filter((c) => !c.skipped);
  const runs = checked.reduce((n, c) => n + c.runs, 0);
  const agree = checked.reduce((n, c) => n + c.agree, 0);
  const elapsed = performance.now() - started;

  if (values.json) printJson({ seed, runs, agree, ms: Math.round(elapsed), patterns: checks });
  else print(describe(checks, runs, agree, elapsed));
  return agree === runs ? EXIT_OK : EXIT_FAILURE;
}

/** One pattern on the server, compared run by run with its PGlite exploration. */
export async function crosscheckPattern(pgliteRuns: Promise<RunLines[]>, server: LabStore, pattern: PatternDefinition, seed: number, quick: boolean): Promise<PatternCheck> {
  const started = performance.now();
  const onServer: RunLines[] = [];
  const progress = process.stderr.isTTY ? (n: number, of: number) => process.stderr.write(`\rcrosschecking ${pattern.info.id}: ${n}/${of}${n === of ? '\r\x1b[K' : ''}`) : undefined;
  await explorePattern(server, pattern, { seed, only: quick ? firstPointOfEachKind() : undefined, onRun: (result, run) => onServer.push({ key: runKey(run), lines: comparableLines(pattern, result) }), onProgress: progress });
  if (process.env.DEBUG === "1") note(`server side of ${pattern.info.id} done in ${seconds(performance.now() - started)}`);
  const compared = compareExplorations(await pgliteRuns, onServer);
  return { pattern: pattern.info.id, runs: compared.total, agree: compared.agree, ms: performance.now() - started, differences: compared.differences, ...(readsWal(pattern) ? { byMeaning: true } : {}) };
}

const WORKER = fileURLToPath(new URL('./crosscheck-worker.ts', import.meta.url));
// Resolved from here, not from the working directory: the package bin may run anywhere.
const TSX = import.meta.resolve('tsx');

/** The PGlite side in a child process (crosscheck-worker.ts): one promise per pattern asked for. */
async function startPgliteSide() {
  // Made once here, so the worker does not spend its first seconds making the boot image.
  await ensureBootImage();
  const child = fork(WORKER, [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<string, { resolve: (runs: RunLines[]) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  child.on('message', (message: FromCrosscheckWorker) => {
    if (message.type === 'ready') return;
    const w = waiting.get(message.pattern);
    waiting.delete(message.pattern);
    if (message.type === 'done') w?.resolve(message.runs);
    else w?.reject(new Error(`exploring ${message.pattern} on PGlite failed: ${message.message}`));
  });
  child.on('error', failAll);
  child.on('exit', (code) => failAll(new Error(`the PGlite side exited${code === null ? '' : ` with code ${code}`} before it finished`)));
  return {
    explore(pattern: string, seed: number, quick: boolean): Promise<RunLines[]> {
      const result = new Promise<RunLines[]>((resolve, reject) => waiting.set(pattern, { resolve, reject }));
      // Rejections are read when the pattern's turn comes; until then they must not count as unhandled.
      result.catch(() => undefined);
      child.send({ type: 'explore', pattern, seed, quick } satisfies ToCrosscheckWorker);
      return result;
    },
    stop() {
      if (child.connected) child.send({ type: 'stop' } satisfies ToCrosscheckWorker);
      else if (child.exitCode === null) child.kill();
    },
  };
}

function describe(checks: PatternCheck[], runs: number, agree: number, ms: number): string {
  const out: string[] = [];
  const differences = checks.flatMap((c) => c.differences.map((d) => ({ pattern: c.pattern, ...d })));
  for (const d of differences.slice(0, SHOWN_DIFFERENCES)) {
    out.push(`✗ ${d.pattern} (${d.key}): first difference in a ${d.what}`, `    PGlite: ${d.pglite}`, `    server: ${d.server}`);
  }
  if (differences.length > SHOWN_DIFFERENCES) out.push(`… and ${differences.length - SHOWN_DIFFERENCES} more disagreeing runs (--json lists them all)`);
  for (const c of checks.filter((c) => c.skipped)) out.push(`not checked: ${c.skipped}`);
  const byMeaning = checks.filter((c) => c.byMeaning && !c.skipped).map((c) => c.pattern);
  const exact = checks.filter((c) => !c.byMeaning && !c.skipped);
  out.push(`compared: every trace entry (messages, SQL as sent, virtual time), every step (caption, statechart states) and the outcome (anomalies, evidence), ${exact.length > 0 ? 'byte for byte —' : 'line by line;'}`);
  if (exact.length > 0) out.push(`  ${byMeaning.length > 0 ? 'the other ' : ''}patterns take timestamps from the virtual clock and show no LSN or transaction id, so nothing is expected to differ between PGlite and the server`);
  if (byMeaning.length > 0) out.push(`${byMeaning.join(', ')}: ${CDC_COMPARED_BY_MEANING[0]}`, ...CDC_COMPARED_BY_MEANING.slice(1));
  out.push(`${agree}/${runs} runs agree (${checks.filter((c) => !c.skipped).length} patterns, ${seconds(ms)})`);
  return out.join('\n');
}
