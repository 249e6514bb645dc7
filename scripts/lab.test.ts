/**
 * The command line as a user meets it: a real process, real PGlite, exit codes and streams.
 * Each spawn that runs a scenario boots Postgres (seconds), so assertions are grouped per spawn.
 * Argument errors are caught before Postgres starts: most are checked by calling the CLI's `main`
 * in this process (a spawn each would spend a second starting Node for milliseconds of work), and
 * a few through a real process, to show a real exit code and streams.
 */
import { describe, expect, it } from 'vitest';
import type { CompareData } from '../machines/compare/types';
import type { ExploredPattern } from '../machines/kernel/explore';
import type { RunResult } from '../machines/kernel/types';
import { ANOMALY_IDS, PATTERN_IDS } from '../machines/kernel/vocabulary';
import { findPattern } from '../machines/patterns/catalog';
import { labInProcess, spawnLab, spawnNode, type Exit } from './cli/spawn-lab';

const lab = (...args: string[]) => spawnLab(args);

const key = (faults: { kind: string; at: string }[], idempotent: boolean) =>
  `${faults.map((f) => `${f.kind}@${f.at}`).join('+') || 'none'} idem=${idempotent ? 'on' : 'off'}`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const SEED_RULE = /--seed must be a whole number written in decimal digits, from 0 to 2147483647, like 42; got /;

function expectUsageError(args: string[], exit: Exit, message: RegExp): void {
  expect({ args, code: exit.code, stdout: exit.stdout }).toEqual({ args, code: 2, stdout: '' });
  expect(exit.stderr.trim().split('\n'), `one line for ${JSON.stringify(args)}`).toHaveLength(1);
  expect(exit.stderr).toMatch(message);
  expect(exit.stderr).toMatch(/--help/);
}

/**
 * Every case through the CLI's `main` in this process, and the first also as a real process;
 * each must exit 2 with nothing on stdout and one line on stderr matching its message.
 */
async function expectUsageErrors(cases: [string[], RegExp][]): Promise<Exit[]> {
  const exits: Exit[] = [];
  for (const [args] of cases) exits.push(await labInProcess(args));
  const [firstArgs, firstMessage] = cases[0]!;
  const spawned = await lab(...firstArgs);
  expectUsageError(firstArgs, spawned, firstMessage);
  expect(spawned.stderr).toBe(exits[0]!.stderr);
  exits.forEach((exit, i) => expectUsageError(cases[i]![0], exit, cases[i]![1]));
  return exits;
}

describe('lab command line', () => {
  it('rejects bad arguments with exit 2 and one line naming the problem', async () => {
    await expectUsageErrors([
      [['frob'], /unknown command "frob"/],
      [['run', 'nope'], /unknown pattern "nope"; known: naive-db-first.*outbox-polling/],
      [['run'], /run: missing pattern; known: naive-db-first/],
      [['run', 'naive-db-first', '--fault', 'crash'], /--fault must read kind@actor\.operation.*; got "crash"/],
      [['run', 'naive-db-first', '--fault', 'boom@service.publish'], /--fault "boom@service\.publish" has an unknown fault kind "boom"/],
      [['run', 'naive-db-first', '--fault', 'crash@relay.mark:1'], /--fault "crash@relay\.mark:1" names no actor of naive-db-first \(actors: client, service, consumer\)/],
      [['run', 'naive-db-first', '--fault', 'crash@service.mark'], /--fault "crash@service\.mark" names no operation of service \(its operations: write-order, publish, restart\)/],
      [['run', 'naive-db-first', '--seed', 'abc'], /--seed must be .*; got "abc"/],
      [['run', 'naive-db-first', '--seed='], /--seed has an empty value/],
      [['run', 'outbox-polling', '--idempotent', 'maybe'], /--idempotent must be on or off; got "maybe"/],
      [['run', 'outbox-polling', '--variant', 'nope'], /--variant must be one of default, id-cursor, competing-relays(, [a-z-]+)*; got "nope"/],
      [['run', 'naive-db-first', 'extra'], /unexpected argument "extra"/],
      [['run', 'naive-db-first', '--max-steps', '0'], /--max-steps must be a whole number from 1 to 4000; got "0"/],
      [['explore', 'naive-db-first', '--frob'], /unknown flag "--frob"/],
    ]);
  });

  // Looked up in a plain object, these found Object.prototype members and crashed with exit 1.
  it('treats ids named like Object.prototype members as unknown, with exit 2', async () => {
    await expectUsageErrors([
      [['run', 'constructor'], /run: unknown pattern "constructor"; known: naive-db-first/],
      [['run', '__proto__'], /run: unknown pattern "__proto__"; known: /],
      [['run', 'hasOwnProperty'], /run: unknown pattern "hasOwnProperty"; known: /],
      [['explore', 'toString'], /explore: unknown pattern "toString"; known: /],
      [['compare', 'naive-db-first', '--json', '--csv'], /compare: --json and --csv each print the whole result; pick one/],
      [['compare', 'outbox'], /compare: unknown pattern "outbox"; known: /],
      [['compare', '--seed', '1e3'], /--seed must be a whole number/],
      [['constructor'], /unknown command "constructor" \(known: patterns, run, explore, compare, lessons, crosscheck, help\)/],
      [['__proto__'], /unknown command "__proto__"/],
      [['run', 'outbox-polling', '--variant', 'constructor'], /--variant must be one of .*; got "constructor"/],
      [['run', 'naive-db-first', '--fault', 'toString@service.publish'], /has an unknown fault kind "toString"/],
      [['run', 'naive-db-first', '--fault', 'crash@constructor.publish'], /names no actor of naive-db-first/],
    ]);
  });

  // Number() would read each of these as a number (16, 1000, 5, 5, 0, 5, 7): refused instead.
  it('accepts only plain decimal numbers, and says what it accepts', async () => {
    await expectUsageErrors([
      ...['0x10', '1e3', '+5', ' 5', '-0', '5.0', '007', '2147483648'].map((seed): [string[], RegExp] => [
        ['run', 'naive-db-first', `--seed=${seed}`],
        new RegExp(`${SEED_RULE.source}${escapeRegExp(JSON.stringify(seed))}`),
      ]),
      [['explore', 'naive-db-first', '--seed', '0x10'], SEED_RULE],
      [['run', 'naive-db-first', '--orders', '0,1e3'], /--orders must be arrival times in whole milliseconds written in decimal digits.*; got "0,1e3"/],
      [['run', 'naive-db-first', '--orders', '0,,5'], /--orders must be arrival times .*; got "0,,5"/],
      [['run', 'naive-db-first', '--fault', 'crash@service.publish:0x1'], /has occurrence "0x1"; n must be a whole number written in decimal digits, from 1 to 999/],
      [['run', 'naive-db-first', '--fault', 'crash@service.publish:1e1'], /has occurrence "1e1"/],
    ]);
  });

  it('echoes values escaped and cut, so a typed value cannot repaint the terminal or fake a line', async () => {
    const long = 'x'.repeat(300);
    const [escaped, newline, cut] = await expectUsageErrors([
      [['run', 'naive-db-first\u001b[2J'], /unknown pattern "naive-db-first\\u001b\[2J"/],
      [['run', 'outbox-polling', '--variant', 'a\nlab: all good'], /got "a\\nlab: all good"/],
      [['run', 'naive-db-first', '--seed', long], new RegExp(`got "${'x'.repeat(60)}…"`)],
    ]);
    for (const exit of [escaped!, newline!, cut!]) expect(exit.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f]/);
    expect(cut!.stderr).not.toContain('x'.repeat(61));
  });

  it('prints usage with the exit codes for --help, and lists every pattern through the package bin', async () => {
    const [help, patterns] = await Promise.all([lab('--help'), spawnNode(['bin/lab.mjs', 'patterns', '--json'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: lab <command>/);
    expect(help.stdout).toMatch(/2 bad arguments \(or a server\s+that fails preflight[^)]*\),\s+3 \(run\) the run did not settle/);
    expect(help.stdout).toMatch(/crosscheck \[pattern…\|all\]/);
    expect(patterns.code).toBe(0);
    const listing = JSON.parse(patterns.stdout) as { id: string; title: string; variants: string[] }[];
    expect(listing.map((p) => p.id)).toEqual([...PATTERN_IDS]);
    for (const pattern of listing) expect(pattern.title).toBe(findPattern(pattern.id)!.title);
  });

  it('reports a lost event when the service crashes before publishing (--json)', async () => {
    const exit = await lab('run', 'naive-db-first', '--fault', 'crash@service.publish:1', '--json');
    expect(exit.code).toBe(0);
    const result = JSON.parse(exit.stdout) as RunResult;
    expect(result.scenario.faults).toEqual([{ kind: 'crash', at: 'service.publish:1' }]);
    expect(result.snapshots).toBeUndefined();
    expect(result.steps.find((s) => s.struck)?.point).toBe('service.publish:1');
    expect(result.outcome.anomalies.map((a) => a.id)).toContain('lost-event');
  });

  it('shows steps, outcome and fault points as text, and warns about a fault that is never reached', async () => {
    // Two orders publish twice: a fifth publish is a real point of this pattern that this run never reaches.
    const exit = await lab('run', 'naive-db-first', '--fault', 'crash@service.publish:1', '--fault', 'crash@service.publish:5', '--points');
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/crash@service\.publish:5 armed but never reached/);
    expect(exit.stdout).toMatch(/service\.publish:1 .*\[crash struck here\]/);
    expect(exit.stdout).toMatch(/lost-event — order 1/);
    expect(exit.stdout).toMatch(/why: /);
    expect(exit.stdout).toMatch(/Fault points in this run[\s\S]*service\.write-order:1\s+crash, db-write-fails/);
  });

  it('exits 3 when the run stops at its step limit without settling', async () => {
    const exit = await lab('run', 'outbox-polling', '--max-steps', '5', '--json');
    expect(exit.code).toBe(3);
    const result = JSON.parse(exit.stdout) as RunResult;
    expect(result.steps).toHaveLength(5);
    expect(result.outcome.settled).toBe(false);
  });

  it('explores one pattern: every single fault at every point of each order set, idempotency off and on', async () => {
    const [explored, ...clean] = await Promise.all([
      lab('explore', 'naive-db-first', '--json'),
      lab('run', 'naive-db-first', '--orders', '0,40', '--json'),
      lab('run', 'naive-db-first', '--orders', '0,3000', '--json'),
    ]);
    expect(explored.code).toBe(0);
    const parsed = JSON.parse(explored.stdout) as { patterns: ExploredPattern[] };
    expect(parsed.patterns.map((p) => p.pattern)).toEqual(['naive-db-first']);
    const runs = parsed.patterns[0]!.runs;
    expect(runs.some((r) => r.anomalies.includes('lost-event'))).toBe(true);

    // What "every fault" means comes from each fault-free run's own fault points, not from a list here.
    let expectedRuns = 0;
    for (const exit of clean) {
      expect(exit.code).toBe(0);
      const { scenario, steps } = JSON.parse(exit.stdout) as RunResult;
      const plans = [[], ...steps.flatMap((s) => s.faultKinds.map((kind) => [{ kind, at: s.point }]))];
      const expected = plans.flatMap((faults) => [key(faults, false), key(faults, true)]);
      const ofThisSet = runs.filter((r) => r.orders.join(',') === scenario.orders.join(','));
      expect(ofThisSet.map((r) => key(r.faults, r.idempotentConsumer)).sort()).toEqual(expected.sort());
      expectedRuns += expected.length;
    }
    expect(runs).toHaveLength(expectedRuns);
  }, 120_000);

  it('lists the lessons and, with --check, replays every figure against its expected outcome', async () => {
    const bad = await lab('lessons', '--chek');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/lessons: unknown flag "--chek"/);
    const { code, stdout } = await lab('lessons', '--check', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { lessons: { slug: string }[]; verdicts: { agrees: boolean }[]; agree: number; total: number };
    expect(report.lessons.length).toBeGreaterThanOrEqual(9);
    expect(report.total).toBe(report.verdicts.length);
    expect(report.agree).toBe(report.total);
  });

  it('compares patterns: one row per variant with counts off and on and its measures, and the claims about them', async () => {
    const [json, csv] = await Promise.all([lab('compare', 'cache-set', 'naive-db-first', '--json'), lab('compare', 'cache-set', '--csv')]);
    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout) as CompareData;
    // In the order asked for, every anomaly id present in every row.
    expect(data.rows.map((r) => `${r.pattern}/${r.variant}`)).toEqual(['cache-set/default', 'cache-set/versioned-set', 'naive-db-first/default']);
    for (const row of data.rows) {
      expect(Object.keys(row.anomalies)).toEqual([...ANOMALY_IDS]);
      expect(row.runs).toBeGreaterThan(0);
      expect(row.measures.simulated).toBe(true);
    }
    expect(data.rows[0]!.anomalies['stale-cache'].off).toBeGreaterThan(0);
    expect(data.rows[2]!.anomalies['lost-event']).toEqual({ off: 16, on: 16 });
    // No seed claim is about these two patterns alone.
    expect(data.claims).toEqual([]);
    expect(csv.code).toBe(0);
    // A header and one line per form of cache-set.
    expect(csv.stdout.trimEnd().split('\r\n')).toHaveLength(3);
    expect(csv.stdout.startsWith('pattern,variant,runs,lost-event off,lost-event on')).toBe(true);
  }, 120_000);
});
