import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { useLabPostgres } from '../../testing/postgres';
import { RESUBMIT_EVERY_MS, RESUBMIT_OLDER_THAN_MS } from './scheduler';

const postgres = useLabPostgres();
const variant = (id: string) => lab(postgres.db, 'after-commit-listener').variant(id);

// What exploring the variants shows is checked in after-commit-listener.test.ts, with that file's one exploration.
describe('after-commit-listener, scheduled resubmission', () => {
  it('repairs a failed send without a restart, once the publication is stale', async () => {
    const result = await variant('resubmit').fault('broker-unavailable', 'listener.send:1').run();
    expect(result.outcome.consistent).toBe(true);
    const resend = result.steps.find((s) => s.point === 'scheduler.send:1')!;
    expect(resend.caption).toBe("The scheduler republishes order 1's incomplete publication.");
    expect(resend.t).toBeGreaterThanOrEqual(RESUBMIT_OLDER_THAN_MS);
    const query = result.trace.find((e) => e.label === 'find incomplete publications to resubmit')!;
    expect(query.sql![0]).toMatch(/WHERE completion_date IS NULL AND publication_date < .* - 500::int \* interval '1 millisecond'/);
  });

  it('where republishing on restart loses that same event: nothing restarts', async () => {
    const result = await variant('registry').fault('broker-unavailable', 'listener.send:1').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
  });

  it('does not republish on restart; the scheduler, restarted with its service, finds the publication', async () => {
    const result = await variant('resubmit').crash('listener.send:1').run();
    const crash = result.steps.find((s) => s.point === 'listener.send:1')!;
    // One OS process: the service, its listener and its scheduler go down together.
    expect(crash.states).toMatchObject({ listener: 'crashed', service: 'crashed', scheduler: 'crashed' });
    expect(result.steps.some((s) => s.operation === 'republish-incomplete')).toBe(false);
    expect(result.steps.find((s) => s.point === 'scheduler.resubmit:1')!.t).toBe(RESUBMIT_EVERY_MS);
    expect(result.outcome.consistent).toBe(true);
  });

  it('sends again a publication whose ack was lost: the event arrives twice', async () => {
    const result = await variant('resubmit').fault('publish-timeout-stored', 'listener.send:1').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['duplicate-delivery', 'order 1'],
      ['duplicate-effect', 'order 1'],
    ]);
    expect(await variant('resubmit').fault('publish-timeout-stored', 'listener.send:1').idempotent().anomalies()).toEqual(['duplicate-delivery']);
  });
});

describe('after-commit-listener, two instances resubmitting', () => {
  it('both schedulers find the stale publication and both send it', async () => {
    const result = await variant('two-instances').fault('broker-unavailable', 'listener.send:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['duplicate-delivery', 'order 1'],
      ['duplicate-effect', 'order 1'],
    ]);
    const senders = result.steps.filter((s) => s.operation === 'send' && s.actor.startsWith('scheduler')).map((s) => s.actor);
    expect(senders.sort()).toEqual(['scheduler', 'scheduler-2']);
    const publications = result.snapshots!.at(-1)!.tables.find((t) => t.name === 'service.event_publication')!.rows;
    expect(publications.every((r) => r.completion_date !== null)).toBe(true);
  });

  it('keeps running on instance 2 while instance 1 is down', async () => {
    const result = await variant('two-instances').crash('listener.send:1').run();
    expect(result.outcome.anomalies.map((a) => a.id)).not.toContain('lost-event');
    const down = result.steps.find((s) => s.point === 'listener.send:1')!;
    expect(down.states).toMatchObject({ scheduler: 'crashed' });
    expect(down.states['scheduler-2']).not.toBe('crashed');
  });

  it('gives the same run twice', async () => {
    const scenario = () => variant('two-instances').fault('broker-unavailable', 'listener.send:1');
    const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
    expect(JSON.stringify(await scenario().run({ captureSnapshots: true }))).toBe(first);
  });
});
