/** Node figures: PGlite boot, kernel steps per second against the same SQL issued directly, exploration time. */
import { LabDatabase } from '../machines/actors/postgres';
import type { SqlRunner } from '../machines/kernel/traced-database';
import { startLabPostgresInNode } from '../machines/runtime/boot-image-node';
import { runScenario } from '../machines/kernel/explore';
import type { Scenario } from '../machines/kernel/types';
import { getPattern, PATTERNS } from '../machines/patterns/index';
import { PATTERN_IDS } from '../machines/kernel/vocabulary';
import { DEFAULT_SEED } from '../machines/kernel/scenario';
import { availableParallelism } from 'node:os';
import { runInPool } from '../scripts/pool/pattern-pool';

export interface NodeFigures {
  bootMs: number;
  longRun: { pattern: string; orders: number; steps: number; statements: number; kernelMs: number; stepsPerSecond: number; rawSqlMs: number; kernelOverRaw: number; settled: boolean };
  /** `lab explore all` as the command runs it: a pool of workers, one per CPU. */
  explore: { patterns: string[]; runs: number; ms: number; msPerRun: number; workers: number; msByPattern: Record<string, number> };

}

const LONG_RUN_ORDERS = 150;
const LONG_RUN_REPEATS = 5;

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const ORDER_SPACING_MS = 20;

interface RecordedCall {
  sql: string;
  /** Present for `query`, absent for `exec`. */
  params?: unknown[];
}

/** A runner that passes every call through and keeps a list of them. */
function recordingRunner(inner: SqlRunner): { runner: SqlRunner; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const runner: SqlRunner = {
    query: (sql, params = []) => {
      calls.push({ sql, params });
      return inner.query(sql, params);
    },
    exec: (sql) => {
      calls.push({ sql });
      return inner.exec(sql);
    },
    ...(inner.onNotification ? { onNotification: (listener: Parameters<NonNullable<SqlRunner['onNotification']>>[0]) => inner.onNotification!(listener) } : {}),
  };
  return { runner, calls };
}

export async function nodeFigures(log: (line: string) => void): Promise<NodeFigures> {
  const bootStarted = performance.now();
  const { pg, db } = await startLabPostgresInNode();
  const bootMs = performance.now() - bootStarted;
  log(`PGlite boot from the boot image: ${bootMs.toFixed(0)} ms`);

  const pattern = getPattern('outbox-polling');
  if (!pattern) throw new Error('outbox-polling is not runnable');
  // Past the URL's order limit on purpose: the kernel takes any list, and a long run amortises noise.
  const scenario: Scenario = {
    pattern: 'outbox-polling',
    variant: 'default',
    seed: 1,
    faults: [],
    idempotentConsumer: true,
    orders: Array.from({ length: LONG_RUN_ORDERS }, (_, i) => i * ORDER_SPACING_MS),
  };
  const options = { maxSteps: 100_000 };
  // The first run of a layout creates the schemas; warm up so both sides start from a truncate reset.
  // Every call the kernel makes into Postgres is recorded on the way (reset, steps, checks).
  const recorder = recordingRunner(db.runner);
  const recorded = new LabDatabase(recorder.runner);
  await runScenario(recorded, pattern, { ...scenario, orders: [0] }, options);
  // Each side is timed LONG_RUN_REPEATS times, alternating, and the medians compared: one run of
  // either is at the mercy of a GC pause or a neighbour on a shared machine (seen: 1.9× to 2.8×).
  const kernelTimes: number[] = [];
  const rawTimes: number[] = [];
  let result: Awaited<ReturnType<typeof runScenario>> | undefined;
  let calls: RecordedCall[] = [];
  for (let i = 0; i < LONG_RUN_REPEATS; i++) {
    recorder.calls.length = 0;
    const runStarted = performance.now();
    result = await runScenario(recorded, pattern, scenario, options);
    kernelTimes.push(performance.now() - runStarted);
    calls = [...recorder.calls];
    // The same calls again, through the same runner, and nothing else: what the SQL alone costs.
    // The run opens with its reset, so the replay starts from the state the run started from.
    const rawStarted = performance.now();
    for (const call of calls) await (call.params ? db.runner.query(call.sql, call.params) : db.runner.exec(call.sql));
    rawTimes.push(performance.now() - rawStarted);
  }
  const kernelMs = medianOf(kernelTimes);
  const rawSqlMs = medianOf(rawTimes);
  const last = result!;
  const longRun = {
    pattern: pattern.info.id,
    orders: LONG_RUN_ORDERS,
    steps: last.steps.length,
    statements: calls.length,
    kernelMs,
    stepsPerSecond: last.steps.length / (kernelMs / 1000),
    rawSqlMs,
    kernelOverRaw: kernelMs / rawSqlMs,
    settled: last.outcome.settled,
  };
  log(`long run: ${longRun.steps} steps, ${longRun.statements} statements, kernel ${kernelMs.toFixed(0)} ms, raw SQL ${rawSqlMs.toFixed(0)} ms`);

  const runnable = PATTERN_IDS.filter((id) => PATTERNS[id]);
  const workers = availableParallelism();
  const poolStarted = performance.now();
  const msByPattern: Record<string, number> = {};
  const pooled = await runInPool('explore', runnable, () => DEFAULT_SEED, { onDone: (pattern, ms) => (msByPattern[pattern] = Math.round(ms)) }, workers);
  const exploreMs = performance.now() - poolStarted;
  const runs = pooled.reduce((sum, p) => sum + p.runs.length, 0);
  log(`explore all in a pool of ${workers}: ${runs} runs in ${exploreMs.toFixed(0)} ms`);

  await pg.close();
  return {
    bootMs,
    longRun,
    explore: { patterns: runnable, runs, ms: exploreMs, msPerRun: exploreMs / runs, workers, msByPattern },
  };
}
