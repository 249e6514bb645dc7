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
});
