import { describe, expect, it } from 'vitest';
import type { RunResult, TableRow } from '../../kernel/types';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as jobQueue } from './pattern';
import { anomalyProfile } from './profile';
import { BACKOFF_BASE_MS, JOB_LEASE_MS } from './worker';

const postgres = useLabPostgres();
// The one exploration of job-queue this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, jobQueue);
const jobs = () => lab(postgres.db, 'job-queue');

const table = (result: RunResult, name: string, at = -1): TableRow[] => result.snapshots!.at(at)!.tables.find((t) => t.name === name)!.rows;
const ms = (timestamp: unknown) => Date.parse(String(timestamp));

describe('job-queue', () => {
  it('writes the order and its job in one transaction, and the worker completes the job', async () => {
    const result = await jobs().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const write = result.trace.find((e) => e.label === 'insert order 1 + job')!;
    expect(write.sql![0]).toBe('BEGIN');
    expect(write.sql![2]).toMatch(/^INSERT INTO service\.jobs \(kind, args, max_attempts, scheduled_at, created_at\) VALUES \('publish_order_placed', '\{"orderId":1,"eventId":"evt-1"\}', 3,/);
    expect(write.sql!.at(-1)).toBe('COMMIT');
    const claim = result.trace.find((e) => e.label === 'worker claims a job')!;
    expect(claim.sql![0]).toMatch(/^UPDATE service\.jobs SET state = 'running', attempt = attempt \+ 1.*ORDER BY scheduled_at, id LIMIT 1 FOR UPDATE SKIP LOCKED\) RETURNING/);
    expect(table(result, 'service.jobs').map((r) => [r.id, r.state, r.attempt])).toEqual([
      [1, 'completed', 1],
      [2, 'completed', 1],
    ]);
  });

  it('runs a job again after its lease when the worker crashed between publish and complete: a duplicate, not a loss', async () => {
    const result = await jobs().crash('worker.complete:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['duplicate-delivery', 'order 1'],
      ['duplicate-effect', 'order 1'],
    ]);
    // While the worker is down and restarting, job 1 stays running under its lease.
    const firstClaim = result.steps.find((s) => s.caption === 'The worker claims job 1, attempt 1 of 3.')!;
    const held = result.snapshots!.find((s) => s.inspections?.find((t) => t.name === 'job leases')?.rows.some((r) => r.job_id === 1 && r.attempted_by === 'worker') && s.down.includes('worker'));
    expect(held).toBeDefined();
    expect(result.steps.some((s) => /only running jobs, still under their lease/.test(s.caption))).toBe(true);
    const rerun = result.steps.find((s) => s.caption === 'The worker claims job 1, attempt 2 of 3.')!;
    expect(rerun.t - firstClaim.t).toBeGreaterThanOrEqual(JOB_LEASE_MS);
    expect(table(result, 'service.jobs').find((r) => r.id === 1)).toMatchObject({ state: 'completed', attempt: 2 });
  });

  it('hides the repeated effect when the consumer is idempotent', async () => {
    const result = await jobs().crash('worker.complete:1').idempotent().run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['duplicate-delivery']);
    expect(table(result, 'consumer.shipments').map((r) => r.order_id)).toEqual([1, 2]);
    expect(table(result, 'consumer.processed_events').map((r) => r.event_id)).toEqual(['evt-1', 'evt-2']);
  });

  it('retries a failed publish after a backoff, and the retry delivers', async () => {
    const result = await jobs().fault('broker-unavailable', 'worker.publish:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const recorded = result.steps.findIndex((s) => s.point === 'worker.record-error:1');
    expect(result.steps[recorded]!.caption).toBe(`The worker marks job 1 retryable, due again in ${BACKOFF_BASE_MS} ms.`);
    const job = table(result, 'service.jobs', recorded + 1).find((r) => r.id === 1)!;
    expect(job).toMatchObject({ state: 'retryable', attempt: 1, last_error: 'broker unavailable' });
    expect(ms(job.scheduled_at) - ms(job.attempted_at)).toBeGreaterThanOrEqual(BACKOFF_BASE_MS);
    // Not before it is due: the next claim of job 1 comes after scheduled_at.
    const retry = result.steps.find((s) => s.caption === 'The worker claims job 1, attempt 2 of 3.')!;
    expect(retry.t).toBeGreaterThanOrEqual(result.steps[recorded]!.t + BACKOFF_BASE_MS);
    expect(table(result, 'service.jobs').find((r) => r.id === 1)).toMatchObject({ state: 'completed', attempt: 2 });
  });

  it('discards a job after its last attempt, and the checker finds the event lost', async () => {
    // One order, so publishes 1 to 3 are all job 1's attempts.
    const down = jobs().orders(0).fault('broker-unavailable', 'worker.publish:1').fault('broker-unavailable', 'worker.publish:2').fault('broker-unavailable', 'worker.publish:3');
    const result = await down.run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    const evidence = result.outcome.anomalies[0]!.evidence.map((e) => e.ref);
    expect(evidence).toContain('service.orders id=1');
    expect(table(result, 'service.jobs')).toMatchObject([{ id: 1, state: 'discarded', attempt: 3, last_error: 'broker unavailable' }]);
    // The backoff doubles: due again 400 ms, then 800 ms, after each failed attempt.
    const captions = result.steps.filter((s) => s.operation === 'record-error').map((s) => s.caption);
    expect(captions).toEqual([
      'The worker marks job 1 retryable, due again in 400 ms.',
      'The worker marks job 1 retryable, due again in 800 ms.',
      'The worker discards job 1 after 3 attempts.',
    ]);
    expect(result.outcome.settled).toBe(true);
  });

  it('runs a job again after its lease when the worker crashed before recording the error', async () => {
    const result = await jobs().orders(0).fault('broker-unavailable', 'worker.publish:1').crash('worker.record-error:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(table(result, 'service.jobs')).toMatchObject([{ id: 1, state: 'completed', attempt: 2, last_error: null }]);
  });

  it('never runs again a job whose worker died on its last attempt: the event is lost', async () => {
    const last = jobs().orders(0).fault('broker-unavailable', 'worker.publish:1').fault('broker-unavailable', 'worker.publish:2').crash('worker.publish:3');
    const result = await last.run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    expect(table(result, 'service.jobs')).toMatchObject([{ id: 1, state: 'running', attempt: 3 }]);
    expect(result.steps.at(-1)!.caption).toBe('The worker finds job 1 stuck on its last attempt: none is left.');
    expect(result.outcome.settled).toBe(true);
  });

  it('loses the event of a job no attempt can decode, idempotent consumer or not', async () => {
    for (const idempotent of [false, true]) {
      const result = await jobs().fault('malformed-event', 'service.write-order:1').idempotent(idempotent).run({ captureSnapshots: true });
      expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
      expect(table(result, 'service.jobs').find((r) => r.id === 1)).toMatchObject({ state: 'discarded', attempt: 3, args: '{"eventId":"evt-1"}' });
    }
  });

  it('rolls back the order and its job together', async () => {
    const result = await jobs().fault('db-write-fails', 'service.write-order:2').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(table(result, 'service.orders')).toHaveLength(1);
    expect(table(result, 'service.jobs')).toHaveLength(1);
  });

  it('delivers the order whose commit the service thought had failed', async () => {
    const result = await jobs().fault('commit-unknown', 'service.write-order:1').run();
    expect(result.outcome.consistent).toBe(true);
    expect(result.trace.some((e) => e.to === 'client' && e.label.startsWith('500'))).toBe(true);
  });

  it('never invents an event, and duplicates only what a worker ran twice', () => {
    const runs = exploration.explored.runs;
    expect(runs.length).toBeGreaterThan(100);
    for (const run of runs) expect(run.anomalies, JSON.stringify(run.faults)).not.toContain('phantom-event');
    const lost = runs.filter((r) => r.anomalies.includes('lost-event'));
    expect(new Set(lost.map((r) => r.faults[0]!.kind))).toEqual(new Set(['malformed-event']));
  });
});

describe('job-queue, two workers', () => {
  const two = () => jobs().variant('two-workers');

  it('spreads the jobs over both workers, each claim skipping the other\'s', async () => {
    const result = await two().run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const claimedBy = result.steps.filter((s) => s.operation === 'claim' && /claims job/.test(s.caption)).map((s) => s.actor);
    expect(new Set(claimedBy)).toEqual(new Set(['worker', 'worker-2']));
  });

  it('lets the other worker run a crashed worker\'s job once the lease runs out', async () => {
    const result = await two().crash('worker.complete:1').run();
    const rerun = result.steps.find((s) => s.actor === 'worker-2' && /attempt 2 of 3/.test(s.caption));
    expect(rerun).toBeDefined();
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['duplicate-delivery', 'duplicate-effect']);
  });

  it('runs a job twice when its worker is only slow: a pause past the lease, no crash', async () => {
    const result = await two().fault('pause', 'worker.publish:1').run();
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['duplicate-delivery', 'duplicate-effect']);
    expect(result.steps.some((s) => s.actor === 'worker' && /already finished by another run/.test(s.caption))).toBe(true);
    expect(result.steps.some((s) => s.operation === 'crash' || s.caption.includes('crashes'))).toBe(false);
  });

  it('gives the same run, leases included, twice', async () => {
    const scenario = () => two().fault('pause', 'worker.publish:1');
    const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
    expect(JSON.stringify(await scenario().run({ captureSnapshots: true }))).toBe(first);
  });
});

describeExplorationClaims(exploration, anomalyProfile);
