import { describe, expect, it } from 'vitest';
import { ANOMALY_IDS, type AnomalyId } from '../../machines/kernel/vocabulary';
import { isChoosing, meetsAll, missedRequirements, NO_REQUIREMENTS, REQUIREMENTS, type RequirementChoice, type RequirementId, type RequirementInputs } from './requirements';

/** A row none of whose runs showed anything, with no extra infrastructure: it meets every requirement. */
function cleanRow(): RequirementInputs {
  return {
    anomalies: Object.fromEntries(ANOMALY_IDS.map((id) => [id, { off: 0, on: 0 }])) as RequirementInputs['anomalies'],
    traits: { orderPerKey: true, blocks: false },
    measures: { extraInfrastructure: [], readYourWrites: true, commitToEffectMs: { median: 10, max: 15, samples: 5 } },
  };
}

function withAnomaly(id: AnomalyId, off: number, on: number): RequirementInputs {
  const row = cleanRow();
  row.anomalies[id] = { off, on };
  return row;
}

function choose(...ids: RequirementId[]): RequirementChoice {
  return { ticked: new Set(ids), latencyBudgetMs: null };
}

describe('choose by requirement', () => {
  it('a clean row meets every requirement, and nothing ticked means nothing is chosen', () => {
    const all: RequirementChoice = { ticked: new Set(Object.keys(REQUIREMENTS) as RequirementId[]), latencyBudgetMs: 20 };
    expect(missedRequirements(cleanRow(), all)).toEqual([]);
    expect(isChoosing(NO_REQUIREMENTS)).toBe(false);
    expect(isChoosing(choose('never-lose'))).toBe(true);
    expect(isChoosing({ ticked: new Set(), latencyBudgetMs: 100 })).toBe(true);
  });

  it('"never lose an event" fails on a lost or a phantom event under either setting', () => {
    const never = choose('never-lose');
    expect(meetsAll(withAnomaly('lost-event', 0, 1), never)).toBe(false);
    expect(meetsAll(withAnomaly('phantom-event', 3, 0), never)).toBe(false);
    // Duplicates are another requirement's business.
    expect(meetsAll(withAnomaly('duplicate-effect', 8, 0), never)).toBe(true);
  });

  it('"no duplicates without an idempotent consumer" reads only the count with the switch off', () => {
    const noDuplicates = choose('no-duplicates-without-idempotency');
    expect(meetsAll(withAnomaly('duplicate-effect', 8, 0), noDuplicates)).toBe(false);
    expect(meetsAll(withAnomaly('duplicate-effect', 0, 0), noDuplicates)).toBe(true);
    expect(meetsAll(withAnomaly('duplicate-delivery', 12, 12), noDuplicates)).toBe(true);
  });

  it('reads order per key, blocking, infrastructure and read-your-writes from traits and measures', () => {
    const unordered = { ...cleanRow(), traits: { orderPerKey: false, blocks: false } };
    const blocking = { ...cleanRow(), traits: { orderPerKey: true, blocks: true } };
    const relay = { ...cleanRow(), measures: { ...cleanRow().measures, extraInfrastructure: ['Outbox relay'] } };
    const lateRead = { ...cleanRow(), measures: { ...cleanRow().measures, readYourWrites: false } };
    expect(missedRequirements(unordered, choose('order-per-key'))).toEqual(['Order per key']);
    expect(missedRequirements(blocking, choose('never-blocks'))).toEqual(['Never blocks']);
    expect(missedRequirements(relay, choose('no-extra-infrastructure'))).toEqual(['No extra infrastructure']);
    expect(missedRequirements(lateRead, choose('read-your-writes'))).toEqual(['Read-your-writes']);
    expect(meetsAll(relay, choose('order-per-key', 'never-blocks', 'read-your-writes'))).toBe(true);
  });

  it('a latency budget compares the max, and a row without a figure fails it', () => {
    const slow = { ...cleanRow(), measures: { ...cleanRow().measures, commitToEffectMs: { median: 448, max: 508, samples: 5 } } };
    const unmeasured = { ...cleanRow(), measures: { ...cleanRow().measures, commitToEffectMs: null } };
    expect(meetsAll(slow, { ticked: new Set(), latencyBudgetMs: 500 })).toBe(false);
    expect(meetsAll(slow, { ticked: new Set(), latencyBudgetMs: 1000 })).toBe(true);
    expect(meetsAll(cleanRow(), { ticked: new Set(), latencyBudgetMs: 15 })).toBe(true);
    expect(missedRequirements(unmeasured, { ticked: new Set(), latencyBudgetMs: 1000 })).toEqual(['latency within 1000 ms']);
  });

  it('lists every missed requirement, in the picker order', () => {
    const row = { ...withAnomaly('lost-event', 1, 1), traits: { orderPerKey: true, blocks: true } };
    expect(missedRequirements(row, choose('never-blocks', 'never-lose', 'order-per-key'))).toEqual(['Never lose an event', 'Never blocks']);
  });
});
