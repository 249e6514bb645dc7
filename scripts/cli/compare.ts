/**
 * `lab compare`: the failure matrix and the measured trade-offs of every pattern and variant, and
 * the articles' claims judged against the runs: the same data /compare paints from.
 */
import { assembleCompare, needsScale } from '../../machines/compare/build';
import type { Claim } from '../../machines/compare/claims';
import { compareCsv } from '../../machines/compare/csv';
import type { CompareData, CompareRow } from '../../machines/compare/types';
import { ANOMALY_IDS, PATTERN_IDS, type PatternId } from '../../machines/kernel/vocabulary';
import { loadClaims, loadHousekeeping } from '../compare/content';
import { compareInPool } from '../pool/pattern-pool';
import { measureScaleInNode } from '../compare/scale';
import { knownPattern, parseFlags, scenarioFromFlags } from './args';
import { UsageError } from './errors';
import { note, print, printJson } from './io';
import { seconds, table } from './text';

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('compare', args, { json: { type: 'boolean' }, csv: { type: 'boolean' }, seed: { type: 'string' } }, PATTERN_IDS.length);
  if (values.json && values.csv) throw new UsageError('compare: --json and --csv each print the whole result; pick one');
  const ids: PatternId[] = positionals.length === 0 || (positionals.length === 1 && positionals[0] === 'all') ? [...PATTERN_IDS] : [...new Set(positionals.map((p) => knownPattern(p, 'compare').info.id))];
  const seed = scenarioFromFlags('compare', knownPattern(ids[0], 'compare'), { seed: values.seed }).seed;
  // Read before minutes of exploring, so a broken content file fails at once.
  const claims = claimsAbout(loadClaims(), new Set(ids));
  loadHousekeeping();

  const started = performance.now();
  const compared = await compareInPool(ids, seed, {
    onDone: (pattern, ms) => note(`compared ${pattern} in ${seconds(ms)}`),
  });
  // The scale figures belong to the outbox and CDC rows: measured only when one of those is compared.
  const scale = needsScale(ids) ? await measureScaleInNode() : null;
  const data = assembleCompare(compared, claims, seed, scale);
  note(`compared ${ids.length} patterns (${data.rows.length} rows) in ${seconds(performance.now() - started)}`);

  if (values.json) printJson(data);
  else if (values.csv) print(compareCsv(data));
  else print(describe(data));
  return 0;
}

/** Only the claims whose rows were compared: a subset of patterns judges the claims about it. */
function claimsAbout(claims: Claim[], ids: ReadonlySet<string>): Claim[] {
  return claims.filter((c) => ids.has(c.pattern) && (c.about.kind !== 'faster-than' || ids.has(c.about.than.pattern)));
}

const offOn = (off: number, on: number) => (off === 0 && on === 0 ? '·' : `${off}/${on}`);

function rowName(row: CompareRow): string {
  return row.variant === 'default' ? row.pattern : `  ${row.variant}`;
}

function describe(data: CompareData): string {
  const matrix = [
    ['pattern / variant', 'runs', ...ANOMALY_IDS, 'unsettled'],
    ...data.rows.map((row) => [rowName(row), String(row.runs), ...ANOMALY_IDS.map((id) => offOn(row.anomalies[id].off, row.anomalies[id].on)), offOn(row.unsettled.off, row.unsettled.on)]),
  ];
  const measures = [
    ['pattern / variant', 'commit→effect median/max', 'statements/order', 'round trips/order', 'parts', 'extra', 'growing tables'],
    ...data.rows.map((row) => {
      const m = row.measures;
      const latency = m.commitToEffectMs ? `${m.commitToEffectMs.median}/${m.commitToEffectMs.max} ms` : '—';
      return [rowName(row), latency, `${m.statementsPerOrder.off}/${m.statementsPerOrder.on}`, `${m.roundTripsPerOrder.off}/${m.roundTripsPerOrder.on}`, String(m.participants), m.extraInfrastructure.join(', ') || '—', m.growingTables.map((t) => t.table).join(', ') || '—'];
    }),
  ];
  const claims = data.claims.map((c) => {
    const v = c.verdict;
    const verdict = v.basis === 'measure' ? `${v.holds ? 'holds' : 'does not hold'} (measured in ${v.where}): ${v.detail}` : v.holds ? `holds (${v.checkedRuns} runs)` : `does not hold: ${v.refutedBy.detail}`;
    return `  ${c.verdict.holds ? '✓' : '✗'} ${c.id} (${c.pattern}/${c.variant}): ${verdict}`;
  });
  return [
    `Single-fault runs showing each anomaly, idempotency off/on (· = none), seed ${data.seed}`,
    table(matrix, ['left', 'right', ...ANOMALY_IDS.map(() => 'right' as const), 'right']),
    '',
    'Fault-free runs with five orders (simulated ms; statements and round trips to Postgres, idempotency off/on)',
    table(measures),
    '',
    `Claims (${data.claims.filter((c) => !c.verdict.holds).length} of ${data.claims.length} do not hold)`,
    ...claims,
  ].join('\n');
}
