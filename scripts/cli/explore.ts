/** `lab explore`: every single fault at every point, with idempotency off and on — the anomaly profile. */
import { explorePattern, type ExploredPattern, type ExploredRun } from '../../machines/kernel/explore';
import type { PatternDefinition } from '../../machines/kernel/pattern';
import { formatFault } from '../../machines/kernel/scenario';
import { ANOMALY_IDS, PATTERN_IDS, type AnomalyId } from '../../machines/kernel/vocabulary';
import { PATTERNS } from '../../machines/patterns/index';
import { knownPattern, parseFlags, scenarioFromFlags } from './args';
import { note, print, printJson } from './io';
import { runInPool } from '../pool/pattern-pool';
import { SERVER_OPTIONS, serverTarget, withLabStore, type ServerTarget } from './server';
import { indent, seconds, table } from './text';

export async function exploreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('explore', args, { json: { type: 'boolean' }, seed: { type: 'string' }, ...SERVER_OPTIONS }, 1);
  const target = positionals[0];
  const patterns = target === 'all' ? PATTERN_IDS.map((id) => PATTERNS[id]) : [knownPattern(target, 'explore')];
  // Validated per pattern through the same helper as `run`, so `--seed` means the same everywhere.
  const seeds = patterns.map((p) => scenarioFromFlags('explore', p, { seed: values.seed }).seed);
  const server = serverTarget('explore', values);

  const explored = server || patterns.length === 1 ? await exploreHere(server, patterns, seeds) : await exploreInPool(patterns, seeds);
  if (values.json) printJson({ patterns: explored });
  else print(explored.map((result, i) => describeExploration(patterns[i]!, result, seeds[i]!)).join('\n\n'));
  return 0;
}

/** One pattern, or a server (one session, one schema at a time): in this process, one after another. */
function exploreHere(server: ServerTarget | null, patterns: PatternDefinition[], seeds: number[]): Promise<ExploredPattern[]> {
  return withLabStore(server, patterns, async (db) => {
    const results: ExploredPattern[] = [];
    for (const [i, pattern] of patterns.entries()) {
      const started = performance.now();
      const result = await explorePattern(db, pattern, { seed: seeds[i], onProgress: progressLine(pattern.info.id) });
      note(`explored ${pattern.info.id}: ${result.runs.length} runs in ${seconds(performance.now() - started)}`);
      results.push(result);
    }
    return results;
  });
}

/** Several patterns on PGlite: a pool of workers, one per CPU, each with its own PGlite. */
async function exploreInPool(patterns: PatternDefinition[], seeds: number[]): Promise<ExploredPattern[]> {
  const ids = patterns.map((p) => p.info.id);
  const seedOf = new Map(ids.map((id, i) => [id, seeds[i]!]));
  const started = performance.now();
  const results = await runInPool('explore', ids, (id) => seedOf.get(id)!, {
    onDone: (id, ms) => note(`explored ${id} in ${seconds(ms)}`),
  });
  const runs = results.reduce((sum, r) => sum + r.runs.length, 0);
  note(`explored ${ids.length} patterns: ${runs} runs in ${seconds(performance.now() - started)}`);
  return results;
}

/** A live counter on an interactive terminal only; logs and pipes get the one summary line per pattern. */
function progressLine(id: string): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    process.stderr.write(`\rexploring ${id}: ${done}/${total}`);
    if (done === total) process.stderr.write('\r\x1b[K');
  };
}

function cell(anomalies: AnomalyId[] | 'unsettled' | undefined): string {
  if (!anomalies) return '?';
  if (anomalies === 'unsettled') return 'did not settle';
  return anomalies.length === 0 ? 'consistent' : anomalies.join(', ');
}

function describeExploration(pattern: PatternDefinition, explored: ExploredPattern, seed: number): string {
  const blocks = [`${pattern.info.id} — ${pattern.info.title} (seed ${seed})`];
  for (const variant of pattern.info.variants) {
    const runs = explored.runs.filter((r) => r.variant === variant.id);
    const plans = new Map<string, { off?: AnomalyId[] | 'unsettled'; on?: AnomalyId[] | 'unsettled' }>();
    for (const run of runs) {
      const key = `orders ${run.orders.join(',')}  ${run.faults.map(formatFault).join(' + ') || '(no fault)'}`;
      const entry = plans.get(key) ?? {};
      entry[run.idempotentConsumer ? 'on' : 'off'] = run.settled ? run.anomalies : 'unsettled';
      plans.set(key, entry);
    }
    const rows = [['fault', 'idempotency off', 'idempotency on'], ...[...plans].map(([key, r]) => [key, cell(r.off), cell(r.on)])];
    const claim = `the catalogue says its worst single-fault anomaly is: ${variant.worstAnomaly}`;
    blocks.push(indent([`variant ${variant.id}: ${runs.length} runs`, table(rows), profile(runs), claim].join('\n')));
  }
  return blocks.join('\n');
}

function profile(runs: ExploredRun[]): string {
  const seen = new Set(runs.flatMap((r) => r.anomalies));
  const can = ANOMALY_IDS.filter((id) => seen.has(id));
  const never = ANOMALY_IDS.filter((id) => !seen.has(id));
  const unsettled = runs.filter((r) => !r.settled).length;
  return `can cause: ${can.join(', ') || 'nothing'}; never: ${never.join(', ') || 'nothing'}${unsettled > 0 ? `; ${unsettled} runs did not settle` : ''}`;
}
