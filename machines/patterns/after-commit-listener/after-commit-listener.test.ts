import type { RunResult } from '../../kernel/types';
import { describe, expect, it } from 'vitest';
import { lab } from '../../testing/lab-driver';
import { describeExplorationClaims } from '../../testing/explored-claims';
import { useExploration } from '../../testing/exploration';
import { useLabPostgres } from '../../testing/postgres';
import { pattern as afterCommitListener } from './pattern';
import { anomalyProfile } from './profile';

const postgres = useLabPostgres();
// The one exploration of after-commit-listener this test run makes; every test below that needs one reads it.
const exploration = useExploration(postgres, afterCommitListener);
const listener = () => lab(postgres.db, 'after-commit-listener');
const registry = () => listener().variant('registry');

describe('after-commit-listener', () => {
  it('sends nothing for a rolled-back transaction: no phantom', async () => {
    const result = await listener().fault('db-write-fails', 'service.write-order:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(result.steps.filter((s) => s.actor === 'listener').map((s) => s.point)).toEqual(['listener.send:1']);
    const topic = result.snapshots!.at(-1)!.topics.find((t) => t.topic === 'orders')!;
    expect(topic.messages.map((m) => m.orderId)).toEqual([2]);
  });

  it('loses the event when the process crashes after the commit, and the service goes down with its listener', async () => {
    const result = await listener().crash('listener.send:1').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 1']]);
    const crashStep = result.steps.find((s) => s.point === 'listener.send:1')!;
    expect(crashStep.states).toMatchObject({ listener: 'crashed', service: 'crashed' });
  });

  it('loses the event when the send fails: memory is all it had', async () => {
    const result = await listener().fault('broker-unavailable', 'listener.send:2').run();
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([['lost-event', 'order 2']]);
    expect(result.outcome.anomalies[0]!.why).toMatch(/the event is gone/);
  });

  it('registry: a crash after the commit is repaired by the republish on restart', async () => {
    const result = await registry().crash('listener.send:1').run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    expect(result.steps.some((s) => s.point === 'listener.republish-incomplete:1' && /republishes 1 incomplete/.test(s.caption))).toBe(true);
  });

  it('registry: republishing a send that was stored but not yet marked completed delivers it twice', async () => {
    const result = await registry().crash('listener.complete-publication:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => [a.id, a.subject])).toEqual([
      ['duplicate-delivery', 'order 1'],
      ['duplicate-effect', 'order 1'],
    ]);
    const idempotent = await registry().crash('listener.complete-publication:1').idempotent().anomalies();
    expect(idempotent).toEqual(['duplicate-delivery']);
  });

  it('registry: grows by one completed row per event, and nothing purges it', async () => {
    const result = await registry().orders(0, 40, 80).run({ captureSnapshots: true });
    expect(result.outcome.consistent).toBe(true);
    const sizes = result.snapshots!.map((s) => s.inspections!.find((i) => i.name === 'publication registry size')!.rows[0]!.rows);
    expect([...new Set(sizes)]).toEqual([0, 1, 2, 3]);
    const table = result.snapshots!.at(-1)!.tables.find((t) => t.name === 'service.event_publication')!;
    expect(table.rows.every((r) => r.completion_date !== null)).toBe(true);
  });

  it('registry: a failed send waits, incomplete, for a restart that does not come', async () => {
    const result = await registry().fault('broker-unavailable', 'listener.send:1').run({ captureSnapshots: true });
    expect(result.outcome.anomalies.map((a) => a.id)).toEqual(['lost-event']);
    const table = result.snapshots!.at(-1)!.tables.find((t) => t.name === 'service.event_publication')!;
    expect(table.rows.filter((r) => r.completion_date === null).map((r) => r.event_id)).toEqual(['evt-1']);
  });

  it('under any single fault: never invents an event; the registry trades some losses for duplicates', async () => {
    const { explored } = exploration;
    const seen = (variant: string, idem?: boolean) =>
      new Set(explored.runs.filter((r) => r.variant === variant && (idem === undefined || r.idempotentConsumer === idem)).flatMap((r) => r.anomalies));
    for (const variant of ['default', 'registry']) {
      expect(seen(variant).has('phantom-event')).toBe(false);
      expect(seen(variant).has('lost-event')).toBe(true);
      expect(seen(variant, true).has('duplicate-effect')).toBe(false);
    }
    const lostAfterListenerCrash = (variant: string) =>
      explored.runs.find((r) => r.variant === variant && r.faults[0]?.kind === 'crash' && r.faults[0].at === 'listener.send:1' && !r.idempotentConsumer)!.anomalies;
    expect(lostAfterListenerCrash('default')).toEqual(['lost-event']);
    expect(lostAfterListenerCrash('registry')).toEqual([]);
  });
});

describe('after-commit-listener, registry completion modes', () => {
  const tableRows = (result: RunResult, name: string) => result.snapshots!.at(-1)!.tables.find((t) => t.name === name)?.rows ?? null;

  it('UPDATE keeps every sent publication, DELETE keeps none, ARCHIVE moves them to the archive', async () => {
    const update = await registry().run({ captureSnapshots: true });
    const del = await listener().variant('registry-delete').run({ captureSnapshots: true });
    const archive = await listener().variant('registry-archive').run({ captureSnapshots: true });
    for (const result of [update, del, archive]) expect(result.outcome.consistent).toBe(true);
    expect(tableRows(update, 'service.event_publication')!.map((r) => r.completion_date !== null)).toEqual([true, true]);
    expect(tableRows(del, 'service.event_publication')).toEqual([]);
    expect(tableRows(archive, 'service.event_publication')).toEqual([]);
    const archived = tableRows(archive, 'service.event_publication_archive')!;
    expect(archived.map((r) => [r.event_id, r.completion_date !== null])).toEqual([
      ['evt-1', true],
      ['evt-2', true],
    ]);
    // Only ARCHIVE has the archive table.
    expect(tableRows(update, 'service.event_publication_archive')).toBeNull();
  });

  it('an incomplete publication stays in the registry whatever the mode, for the restart to find', async () => {
    for (const variant of ['registry-delete', 'registry-archive']) {
      const result = await listener().variant(variant).fault('broker-unavailable', 'listener.send:1').run({ captureSnapshots: true });
      expect(result.outcome.anomalies.map((a) => a.id), variant).toEqual(['lost-event']);
      expect(tableRows(result, 'service.event_publication')!.map((r) => r.event_id), variant).toEqual(['evt-1']);
    }
  });

  it('the same single-fault anomalies in every mode', () => {
    const verdicts = (variant: string) =>
      exploration.explored.runs.filter((r) => r.variant === variant).map((r) => `${r.faults.map((f) => `${f.kind}@${f.at}`).join()} ${r.idempotentConsumer} ${r.anomalies.join()}`);
    expect(verdicts('registry-delete')).toEqual(verdicts('registry'));
    expect(verdicts('registry-archive')).toEqual(verdicts('registry'));
  });
});

describeExplorationClaims(exploration, anomalyProfile);
