import { describe, expect, it } from 'vitest';
import { findPattern } from '../patterns/catalog';
import { defaultScenario } from '../kernel/scenario';
import type { Anomaly, Outcome, Scenario } from '../kernel/types';
import type { AnomalyId, PatternId } from '../kernel/vocabulary';
import { suggestNext, suggestionHref } from './suggest';

const info = (id: PatternId) => findPattern(id)!;
const anomaly = (id: AnomalyId): Anomaly => ({ id, subject: 'order 1', evidence: [], why: '' });
const outcome = (...ids: AnomalyId[]): Outcome => ({ anomalies: ids.map(anomaly), consistent: ids.length === 0, settled: true, summary: '' });
const scenario = (pattern: PatternId, parts: Partial<Scenario> = {}): Scenario => ({ ...defaultScenario(pattern), ...parts });
const relayCrash = { kind: 'crash', at: 'relay.mark:1' } as const;

describe('what the outcome panel suggests trying next', () => {
  it('turns on the idempotent consumer when a redelivery was applied twice, keeping the rest of the run', () => {
    const run = scenario('outbox-polling', { faults: [relayCrash] });
    const [first] = suggestNext(info('outbox-polling'), run, outcome('duplicate-delivery', 'duplicate-effect'));
    expect(first!.kind).toBe('idempotent-consumer');
    expect(first!.scenario).toEqual({ ...run, idempotentConsumer: true });
    expect(suggestionHref(first!)).toBe('/patterns/outbox-polling/?faults=crash%40relay.mark%3A1&idem=on');
  });

  it('names the switch as the pattern does where it is not a consumer\'s (a saga\'s retries keeping their key)', () => {
    const run = scenario('saga', { faults: [{ kind: 'crash', at: 'orchestrator.record-step:2' }] });
    const [first] = suggestNext(info('saga'), run, outcome('duplicate-delivery', 'duplicate-effect'));
    expect(first!.kind).toBe('idempotent-consumer');
    expect(first!.action).toBe('Turn on “Retries keep their idempotency key”');
    expect(first!.why).toMatch(/^Every retry of a step then carries the same key/);
  });

  it('does not offer idempotency when it is already on, or when the harm is not a duplicate effect', () => {
    const on = suggestNext(info('outbox-polling'), scenario('outbox-polling', { idempotentConsumer: true, faults: [relayCrash] }), outcome('duplicate-effect'));
    expect(on.map((s) => s.kind)).not.toContain('idempotent-consumer');
    const lost = suggestNext(info('naive-db-first'), scenario('naive-db-first', { faults: [{ kind: 'crash', at: 'service.publish:1' }] }), outcome('lost-event'));
    expect(lost.map((s) => s.kind)).not.toContain('idempotent-consumer');
  });

  it('switches to the variant whose worst single fault cannot cause what this run showed', () => {
    const run = scenario('outbox-polling', { variant: 'id-cursor', faults: [{ kind: 'crash', at: 'consumer.fetch:1' }] });
    const fixes = suggestNext(info('outbox-polling'), run, outcome('lost-event')).filter((s) => s.kind === 'fixing-variant');
    // default, competing-relays and notify can at worst duplicate an effect: none can lose an event.
    expect(fixes.map((s) => s.scenario.variant)).toEqual(['default', 'competing-relays', 'notify']);
    expect(fixes[0]!.why).toMatch(/duplicate effect, so lost event cannot happen there/);
  });

  it('offers no variant as a fix when another can do the same harm, or when two faults are armed', () => {
    const run = scenario('outbox-polling', { faults: [relayCrash] });
    expect(suggestNext(info('outbox-polling'), run, outcome('duplicate-effect')).map((s) => s.kind)).not.toContain('fixing-variant');
    const twoFaults = scenario('outbox-polling', { variant: 'id-cursor', faults: [relayCrash, { kind: 'crash', at: 'consumer.fetch:1' }] });
    expect(suggestNext(info('outbox-polling'), twoFaults, outcome('lost-event')).map((s) => s.kind)).not.toContain('fixing-variant');
  });

  it('after a clean fault-free run, arms the fault known to break it and names the variant one fault breaks worse', () => {
    const kinds = suggestNext(info('outbox-polling'), scenario('outbox-polling'), outcome());
    expect(kinds[0]).toMatchObject({ kind: 'breaking-fault', scenario: { faults: [relayCrash] } });
    expect(kinds[0]!.why).toMatch(/leads to duplicate effect/);
    // Both variants one fault makes lose an event, each named.
    expect(kinds.slice(1).map((s) => [s.kind, s.scenario.variant])).toEqual([
      ['breaking-variant', 'id-cursor'],
      ['breaking-variant', 'auto-commit'],
    ]);
  });

  it('after a clean run with a harmless fault, suggests the breaking one instead', () => {
    const run = scenario('outbox-polling', { faults: [{ kind: 'crash', at: 'relay.publish:1' }] });
    const [first] = suggestNext(info('outbox-polling'), run, outcome());
    expect(first!.why).toMatch(/^The fault armed here did no harm/);
    expect(first!.scenario.faults).toEqual([relayCrash]);
    // Once that fault is armed and the run still came out clean, it is not offered again.
    const armed = suggestNext(info('outbox-polling'), scenario('outbox-polling', { faults: [relayCrash], idempotentConsumer: true }), outcome());
    expect(armed.map((s) => s.kind)).not.toContain('breaking-fault');
  });

  it('says nothing about a run that did not settle', () => {
    const unsettled: Outcome = { ...outcome(), consistent: false, settled: false };
    expect(suggestNext(info('outbox-polling'), scenario('outbox-polling'), unsettled)).toEqual([]);
  });
});
