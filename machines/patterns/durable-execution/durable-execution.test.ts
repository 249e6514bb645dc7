import { describe, expect, it } from 'vitest';
import type { RunResult, TableRow } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as durableExecution } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of durable-execution this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, durableExecution);
const workflows = () => lab(postgres.db, 'durable-execution');

const table = (result: RunResult, name: string, at = -1): TableRow[] => result.snapshots!.at(at)!.tables.find((t) => t.name === name)!.rows;

describe('durable-execution', () => {
  it('commits the order and step 1\'s output in one transaction, and the tables keep every checkpoint', async () => {
    const result = await workflows().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const step1 = result.trace.find((e) => e.label === 'step 1: insert order 1 + output')!;
    expect(step1.sql![0]).toBe('BEGIN');
    expect(step1.sql![1]).toMatch(/^INSERT INTO service\.orders /);
    expect(step1.sql![2]).toMatch(/^INSERT INTO service\.operation_outputs \(workflow_uuid, function_id, function_name, output\) VALUES \('wf-1', 1, 'insertOrder',/);
    expect(step1.sql!.at(-1)).toBe('COMMIT');
    // What the workflow tables cost: a status row per request and an output row per step, kept.
    expect(table(result, 'service.workflow_status').map((r) => [r.workflow_uuid, r.status])).toEqual([
      ['wf-1', 'SUCCESS'],
      ['wf-2', 'SUCCESS'],
    ]);
    expect(table(result, 'service.operation_outputs').map((r) => [r.workflow_uuid, r.function_id, r.function_name])).toEqual([
      ['wf-1', 1, 'insertOrder'],
      ['wf-1', 2, 'publishOrderPlaced'],
      ['wf-2', 1, 'insertOrder'],
      ['wf-2', 2, 'publishOrderPlaced'],
    ]);
  });

  it('resumes a workflow whose executor crashed between steps: step 1 skipped, the event not lost', async () => {
    const result = await workflows().crash('workflow.publish-step:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(result.steps.some((s) => s.caption === 'The executor resumes wf-1, skipping step 1: its output is recorded.')).toBe(true);
    expect(result.trace.filter((e) => e.label === 'step 1: insert order 1 + output')).toHaveLength(1);
    expect(table(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
  });

  it('re-runs the publish when the executor crashed before its checkpoint: a duplicate delivery', async () => {
    const result = await workflows().crash('workflow.checkpoint:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['duplicate-delivery', 'order 1'],
      ['duplicate-effect', 'order 1'],
    ]);
    expect(result.steps.filter((s) => s.caption === 'Step 2 publishes OrderPlaced wf-1:2 for order 1.')).toHaveLength(2);
  });

  it('ships once when the consumer dedupes on the step\'s idempotency key', async () => {
    const result = await workflows().crash('workflow.checkpoint:1').idempotent().run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['duplicate-delivery']);
    expect(table(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
    expect(table(result, 'consumer.processed_events').map((r) => r.event_id)).toEqual(['wf-1:2', 'wf-2:2']);
  });

  it('rolls back the order and its checkpoint together, and recovery runs step 1 again', async () => {
    const result = await workflows().fault('db-write-fails', 'workflow.order-step:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(table(result, 'service.orders')).toHaveLength(2);
    expect(table(result, 'service.operation_outputs')).toHaveLength(4);
  });

  it('retries a failed publish from the last checkpoint, and never loses or invents an event', () => {
    const runs = exploration.explored.runs.filter((r) => r.variant === 'default');
    expect(runs.length).toBeGreaterThan(100);
    for (const run of runs) {
      expect(run.anomalies, JSON.stringify(run.faults)).not.toContain('lost-event');
      expect(run.anomalies, JSON.stringify(run.faults)).not.toContain('phantom-event');
    }
  });
});

describe('durable-execution, step 1 not transactional', () => {
  const split = () => workflows().variant('no-transactional-step');

  it('commits the order and its checkpoint in two transactions', async () => {
    const result = await split().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(result.trace.find((e) => e.label === 'step 1: insert order 1')!.sql!.filter((q) => q.startsWith('INSERT'))).toHaveLength(1);
    expect(result.trace.find((e) => e.label === 'checkpoint step 1 of wf-1')!.sql![1]).toMatch(/^INSERT INTO service\.operation_outputs /);
  });

  it('loses the event when a crash falls between the order and its checkpoint: the re-run hits the primary key', async () => {
    for (const idempotent of [false, true]) {
      const result = await split().crash('workflow.checkpoint-order:1').idempotent(idempotent).run({ captureSnapshots: true });
      expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
      expect(table(result, 'service.workflow_status').map((r) => [r.workflow_uuid, r.status])).toEqual([
        ['wf-1', 'ERROR'],
        ['wf-2', 'SUCCESS'],
      ]);
      expect(result.steps.some((s) => s.caption === 'Order 1 exists already; the executor marks wf-1 ERROR.')).toBe(true);
    }
  });

  it('loses events only where the order committed without its checkpoint', () => {
    const lost = exploration.explored.runs.filter((r) => r.variant === 'no-transactional-step' && r.anomalies.includes('lost-event'));
    expect(new Set(lost.map((r) => `${r.faults[0]!.kind}@${r.faults[0]!.at.replace(/:\d+$/, '')}`))).toEqual(
      new Set(['crash@workflow.checkpoint-order', 'commit-unknown@workflow.order-step']),
    );
  });
});

describeExplorationClaims(exploration, anomalyProfile);
