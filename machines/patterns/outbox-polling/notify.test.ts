import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { useLabPostgres } from '../../testing/postgres';
import { FALLBACK_POLL_MS } from '../../actors/notified-relay';

const postgres = useLabPostgres();
const notify = () => lab(postgres.db, 'outbox-polling').variant('notify');

const firstShipmentAt = (steps: { actor: string; operation: string; t: number }[]) => steps.find((s) => s.actor === 'consumer' && s.operation === 'apply')!.t;

// What exploring the variant shows is checked in outbox-polling.test.ts, with that file's one exploration.
describe('outbox-polling, relay woken by NOTIFY', () => {
  it('notifies inside the transaction; Postgres delivers it on commit and the relay drains at once', async () => {
    const result = await notify().run();
    expect(result.outcome.consistent).toBe(true);
    const write = result.trace.find((e) => e.kind === 'sql' && e.from === 'service' && e.ok)!;
    expect(write.sql!.slice(-2)).toEqual(["SELECT pg_notify('outbox_events', 'evt-1')", 'COMMIT']);
    const notified = result.trace.filter((e) => e.kind === 'notify');
    expect(notified.map((e) => [e.from, e.to, e.label, e.ok])).toEqual([
      ['postgres', 'relay', "NOTIFY outbox_events 'evt-1'", true],
      ['postgres', 'relay', "NOTIFY outbox_events 'evt-2'", true],
    ]);
    // The relay polls right after the commit, not at its next timer.
    const commit = result.steps.find((s) => s.operation === 'write-order')!;
    const poll = result.steps.find((s) => s.operation === 'poll' && s.t > commit.t)!;
    expect(poll.t - commit.t).toBeLessThan(20);
  });

  it('ships sooner than the relay that waits for its poll interval', async () => {
    const notified = await notify().run();
    const polled = await lab(postgres.db, 'outbox-polling').run();
    expect(firstShipmentAt(notified.steps)).toBeLessThan(firstShipmentAt(polled.steps));
  });

  it('sends nothing for a transaction that rolls back', async () => {
    const result = await notify().fault('db-write-fails', 'service.write-order:1').run();
    expect(result.trace.filter((e) => e.kind === 'notify').map((e) => e.label)).toEqual(["NOTIFY outbox_events 'evt-2'"]);
    expect(result.outcome.consistent).toBe(true);
  });

  it('loses the notification sent while the relay is down; the fallback poll finds the row', async () => {
    const result = await notify().crash('relay.publish:1').run();
    const lost = result.trace.find((e) => e.kind === 'notify' && !e.ok)!;
    expect(lost.label).toMatch(/^NOTIFY outbox_events 'evt-2' lost: the relay is down/);
    const listenedAgain = result.steps.filter((s) => s.operation === 'listen').at(-1)!;
    const next = result.steps.find((s) => s.operation === 'poll' && s.t > listenedAgain.t)!;
    expect(next.t - listenedAgain.t).toBe(FALLBACK_POLL_MS);
    expect(next.caption).toBe('The relay reads 2 unpublished rows from the outbox.');
    expect(result.outcome.consistent).toBe(true);
  });

  it('hears nothing for a commit made before it listens, even after runs that listened', async () => {
    await notify().run();
    const result = await notify().crash('relay.listen:1').run();
    // Each run starts with no session listening: Postgres had nobody to deliver to.
    expect(result.trace.some((e) => e.kind === 'notify')).toBe(false);
    expect(result.outcome.consistent).toBe(true);
  });

  it('gives the same run twice', async () => {
    const scenario = () => notify().crash('relay.mark:1');
    const first = JSON.stringify(await scenario().run({ captureSnapshots: true }));
    expect(JSON.stringify(await scenario().run({ captureSnapshots: true }))).toBe(first);
  });
});
