import { describe, expect, it } from 'vitest';
import { runToMermaid, escapeMermaidText } from './mermaid';
import { runToSvg } from './sequence-svg';
import { embedCode } from './embed-code';
import { defaultScenario } from '../kernel/scenario';
import type { Participant, TraceEntry } from '../kernel/types';

const participants: Participant[] = [
  { id: 'client', label: 'Client', kind: 'client', process: false },
  { id: 'service-2', label: 'Order <service> #2', kind: 'service', process: true },
  { id: 'db', label: 'Postgres', kind: 'database', process: false },
] as Participant[];

const entry = (seq: number, from: string, to: string, label: string, extra: Partial<TraceEntry> = {}): TraceEntry => ({
  seq,
  step: seq + 1,
  t: seq * 10,
  from,
  to,
  kind: 'request',
  label,
  ok: true,
  ...extra,
});

const trace: TraceEntry[] = [
  entry(0, 'client', 'service-2', 'POST /orders; id=1'),
  entry(1, 'service-2', 'db', 'INSERT "orders"', { kind: 'sql' }),
  entry(2, 'service-2', 'service-2', 'crash', { kind: 'crash', ok: false, fault: { kind: 'crash', at: 'service-2.publish:1' } }),
  entry(3, 'db', 'service-2', 'ok', { kind: 'reply' }),
];

describe('Mermaid export', () => {
  it('escapes the characters Mermaid reads as syntax', () => {
    expect(escapeMermaidText('a;b #c <d> "e"\nnext')).toBe('a#59;b #35;c #60;d#62; #quot;e#quot; next');
  });

  it('declares participants in the run’s order, with ids Mermaid accepts', () => {
    const lines = runToMermaid({ participants, trace }).split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines.slice(1, 4)).toEqual([
      '  participant client as Client',
      '  participant service_2 as Order #60;service#62; #35;2',
      '  participant db as Postgres',
    ]);
  });

  it('draws calls, answers and a struck fault', () => {
    const text = runToMermaid({ participants, trace });
    expect(text).toContain('  client->>service_2: 1. POST /orders#59; id=1\n');
    expect(text).toContain('  db-->>service_2: 4. ok\n');
    // A mark on one lifeline is a note, and the fault that struck is named beside it.
    expect(text).toContain('  Note over service_2: 3. crash\n');
    expect(text).toContain('  Note over service_2: ⚡ fault crash@service-2.publish:1\n');
    expect(text.match(/⚡/g)).toHaveLength(1);
  });
});

describe('SVG export', () => {
  it('is a standalone document with escaped text and the fault marked', () => {
    const svg = runToSvg({ participants, trace }, 'Run <1>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<title>Run &#60;1&#62;</title>');
    expect(svg).toContain('Order &#60;service&#62; #2');
    expect(svg).not.toContain('<service>');
    expect(svg).toContain('⚡ crash@service-2.publish:1');
    expect(svg.match(/<line x1="[^"]+" y1="[^"]+" x2="[^"]+" y2="[^"]+" stroke="[^"]+" stroke-width/g)).toHaveLength(3);
  });
});

describe('embed code', () => {
  it('points the iframe at the figure of the current scenario and includes the sizing script', () => {
    const scenario = { ...defaultScenario('outbox-polling'), faults: [{ kind: 'crash' as const, at: 'relay.mark:1' }] };
    const code = embedCode('https://lab.example', scenario, 0, { panels: new Set(['tables']), theme: 'dark' }, 'A "quoted" title');
    expect(code).toContain('src="https://lab.example/embed/outbox-polling/?faults=crash@relay.mark:1&#38;panels=tables&#38;theme=dark"');
    expect(code).toContain('title="A &#34;quoted&#34; title"');
    expect(code).toContain('<script src="https://lab.example/embed.js" defer></script>');
  });
});
