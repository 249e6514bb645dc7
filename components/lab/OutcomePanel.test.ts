import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../../machines/kernel/scenario';
import type { Outcome } from '../../machines/kernel/types';
import { findPattern } from '../../machines/patterns/catalog';
import { OutcomePanel } from './OutcomePanel';

const duplicateEffect: Outcome = {
  anomalies: [{ id: 'duplicate-effect', subject: 'order 1', evidence: [], why: 'Order 1 was shipped twice.' }],
  consistent: false,
  settled: true,
  summary: 'One anomaly.',
};
const scenario = { ...defaultScenario('outbox-polling'), faults: [{ kind: 'crash' as const, at: 'relay.mark:1' }] };
const render = (props: Partial<Parameters<typeof OutcomePanel>[0]>) =>
  renderToStaticMarkup(createElement(OutcomePanel, { outcome: duplicateEffect, atEnd: true, remaining: 0, ...props }));

describe('the outcome panel', () => {
  it('links to the same run with the idempotent consumer on, under "Try next"', () => {
    const html = render({ pattern: findPattern('outbox-polling'), scenario });
    expect(html).toContain('data-testid="try-next"');
    expect(html).toContain('href="/patterns/outbox-polling/?faults=crash%40relay.mark%3A1&amp;idem=on"');
    expect(html).toContain('Turn on the idempotent consumer');
  });

  it('suggests nothing before the end of the run, or without the scenario that ran', () => {
    expect(render({ pattern: findPattern('outbox-polling'), scenario, atEnd: false })).not.toContain('try-next');
    expect(render({})).not.toContain('try-next');
  });

  it('gives a run that did not settle no clean verdict, and names a livelock with its cycle', () => {
    const looping: Outcome = {
      anomalies: [],
      consistent: false,
      settled: false,
      unsettled: { limit: 400, livelock: true, busy: ['connector'], cycle: ['connector.poll', 'connector.heartbeat'], sinceStep: 12, why: 'From step 12 on, connector.poll → connector.heartbeat repeats.' },
      summary: 'The run did not settle.',
    };
    const html = render({ outcome: looping });
    expect(html).toContain('data-testid="outcome-unsettled"');
    expect(html).toContain('Did not settle: a livelock.');
    expect(html).toContain('connector.poll → connector.heartbeat');
    expect(html).not.toContain('data-testid="outcome-consistent"');
    const busy = render({ outcome: { ...looping, unsettled: { ...looping.unsettled!, livelock: false, why: 'Still busy.' } } });
    expect(busy).toContain('Did not settle.</strong>');
  });

  it('folds the evidence and keeps one suggestion for a figure in a docs column', () => {
    const withEvidence: Outcome = {
      ...duplicateEffect,
      anomalies: [{ ...duplicateEffect.anomalies[0]!, evidence: [{ ref: 'consumer.shipments id=2', detail: 'shipment for order 1 from evt-1' }] }],
    };
    const page = render({ outcome: withEvidence, pattern: findPattern('outbox-polling'), scenario });
    const figure = render({ outcome: withEvidence, pattern: findPattern('outbox-polling'), scenario, foldEvidence: true });
    expect(page).not.toContain('<details');
    expect(page).toContain('consumer.shipments id=2');
    expect(figure).toContain('data-testid="evidence-folded"');
    expect(figure).toContain('Evidence (1)');
    const suggestions = (html: string) => html.match(/data-testid="try-next-/g)?.length ?? 0;
    expect(suggestions(figure)).toBe(1);
    expect(suggestions(page)).toBeGreaterThanOrEqual(suggestions(figure));
  });
});
