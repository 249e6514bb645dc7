/**
 * The command line as a user meets it: a real process, real PGlite, exit codes and streams.
 * Each spawn that runs a scenario boots Postgres (seconds), so assertions are grouped per spawn;
 * argument errors are caught before Postgres starts, so those spawns are cheap and run in parallel.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ExploredPattern } from '../machines/kernel/explore';
import type { RunResult } from '../machines/kernel/types';
import { PATTERN_IDS } from '../machines/kernel/vocabulary';
import { findPattern } from '../machines/patterns/catalog';
import { PATTERNS } from '../machines/patterns/index';

/** Vocabulary ids with no statechart yet (none, once every pattern is built). */
const notRunnable = PATTERN_IDS.filter((id) => PATTERNS[id] === undefined);

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnNode(nodeArgs: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env: { ...process.env, DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lab = (...args: string[]) => spawnNode(['--import', 'tsx', 'scripts/lab.ts', ...args]);

const key = (faults: { kind: string; at: string }[], idempotent: boolean) =>
  `${faults.map((f) => `${f.kind}@${f.at}`).join('+') || 'none'} idem=${idempotent ? 'on' : 'off'}`;

describe('lab command line', () => {
  it('rejects bad arguments with exit 2 and one line naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['frob'], /unknown command "frob"/],
      [['run', 'nope'], /unknown pattern "nope".*naive-db-first.*outbox-polling/],
      ...notRunnable.slice(0, 1).map((id): [string[], RegExp] => [['run', id], new RegExp(`"${id}" cannot run yet`)]),
      [['run', 'naive-db-first', '--fault', 'crash'], /--fault.*"crash".*kind@actor\.operation/],
      [['run', 'naive-db-first', '--fault', 'boom@service.publish'], /unknown fault kind "boom"/],
      [['run', 'naive-db-first', '--seed', 'abc'], /--seed.*"abc"/],
      [['run', 'outbox-polling', '--idempotent', 'maybe'], /--idempotent.*"maybe"/],
      [['run', 'outbox-polling', '--variant', 'nope'], /--variant.*"nope"/],
      [['explore', 'all', '--frob'], /unknown flag --frob/],
    ];
    const exits = await Promise.all(cases.map(([args]) => lab(...args)));
    exits.forEach((exit, i) => {
      const [args, message] = cases[i]!;
      expect({ args, code: exit.code, stdout: exit.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(exit.stderr.trim().split('\n')).toHaveLength(1);
      expect(exit.stderr).toMatch(message);
      expect(exit.stderr).toMatch(/--help/);
    });
  });

  it('prints usage for --help and lists the runnable patterns through the package bin', async () => {
    const [help, patterns] = await Promise.all([lab('--help'), spawnNode(['bin/lab.mjs', 'patterns', '--json'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: lab <command>/);
    expect(patterns.code).toBe(0);
    const listing = JSON.parse(patterns.stdout) as { id: string; runnable: boolean }[];
    const runnable = listing.filter((p) => p.runnable).map((p) => p.id);
    expect(runnable).toEqual(expect.arrayContaining(['naive-db-first', 'outbox-polling']));
    expect(listing.filter((p) => !p.runnable).map((p) => p.id)).toEqual(notRunnable);
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
    const exit = await lab('run', 'naive-db-first', '--fault', 'crash@service.publish:1', '--fault', 'crash@relay.mark:1', '--points');
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/crash@relay\.mark:1 armed but never reached/);
    expect(exit.stdout).toMatch(/service\.publish:1 .*\[crash struck here\]/);
    expect(exit.stdout).toMatch(/lost-event — order 1/);
    expect(exit.stdout).toMatch(/why: /);
    expect(exit.stdout).toMatch(/Fault points in this run[\s\S]*service\.write-order:1\s+crash, db-write-fails/);
  });

  // Exploring every pattern in one process takes minutes: the long timeout is for that, not a speed claim.
  it('explores all: every runnable pattern; for outbox-polling every single fault, idempotency off and on, never a lost or phantom event in its default form', async () => {
    const [explored, clean] = await Promise.all([lab('explore', 'all', '--json'), lab('run', 'outbox-polling', '--json')]);
    expect(explored.code).toBe(0);
    expect(clean.code).toBe(0);
    const parsed = JSON.parse(explored.stdout) as { patterns: ExploredPattern[] };
    expect(Object.keys(parsed)).toEqual(['patterns']);
    expect(parsed.patterns.map((p) => p.pattern).sort()).toEqual(PATTERN_IDS.filter((id) => PATTERNS[id] !== undefined).sort());
    const all = parsed.patterns.find((p) => p.pattern === 'outbox-polling')!.runs;
    // Every variant is explored; the relay variants have their own (worse) profiles, tested in machines/.
    expect([...new Set(all.map((r) => r.variant))]).toEqual(findPattern('outbox-polling')!.variants.map((v) => v.id));
    const runs = all.filter((r) => r.variant === 'default');
    for (const run of runs) {
      expect(Object.keys(run).sort()).toEqual(['anomalies', 'faults', 'idempotentConsumer', 'variant']);
      expect(run.anomalies).not.toContain('lost-event');
      expect(run.anomalies).not.toContain('phantom-event');
    }

    // What "every fault" means comes from the fault-free run's own fault points, not from a list here.
    const steps = (JSON.parse(clean.stdout) as RunResult).steps;
    const plans = [[], ...steps.flatMap((s) => s.faultKinds.map((kind) => [{ kind, at: s.point }]))];
    const expected = plans.flatMap((faults) => [key(faults, false), key(faults, true)]);
    expect(runs.map((r) => key(r.faults, r.idempotentConsumer)).sort()).toEqual(expected.sort());
  }, 240_000);
});
