/**
 * A run as Mermaid `sequenceDiagram` text, for pasting into docs that render Mermaid (GitHub,
 * GitLab, most static-site generators). Pure: the same run always gives the same text.
 */
import { formatFault } from '../kernel/scenario';
import type { Participant, RunResult, TraceEntry } from '../kernel/types';

/**
 * Mermaid reads `;` and `#` as syntax and angle brackets as HTML; its entity codes (`#59;`) keep
 * them literal. A newline would end the statement, so labels are kept on one line.
 */
const ENTITY: Record<string, string> = { '#': '#35;', ';': '#59;', '<': '#60;', '>': '#62;', '"': '#quot;' };

export function escapeMermaidText(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[#;<>"]/g, (char) => ENTITY[char] ?? char).trim();
}

/** Mermaid ids must not contain arrows' characters (`-`, `>`); `service-2` becomes `service_2`. */
function participantIds(participants: readonly Participant[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const participant of participants) {
    const base = participant.id.replace(/[^A-Za-z0-9_]/g, '_') || 'p';
    let id = base;
    for (let n = 2; taken.has(id); n += 1) id = `${base}_${n}`;
    taken.add(id);
    ids.set(participant.id, id);
  }
  return ids;
}

// Solid for a call, dotted for an answer, a cross where it failed.
function arrow(entry: TraceEntry): string {
  if (!entry.ok || entry.kind === 'error') return '-x';
  return entry.kind === 'reply' ? '-->>' : '->>';
}

export function runToMermaid(result: Pick<RunResult, 'participants' | 'trace'>): string {
  const ids = participantIds(result.participants);
  const idOf = (actor: string) => ids.get(actor) ?? escapeMermaidText(actor).replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['sequenceDiagram'];
  for (const participant of result.participants) {
    lines.push(`  participant ${idOf(participant.id)} as ${escapeMermaidText(participant.label)}`);
  }
  for (const entry of result.trace) {
    const from = idOf(entry.from);
    const to = idOf(entry.to);
    const label = escapeMermaidText(`${entry.step}. ${entry.label}`);
    if (entry.from === entry.to) lines.push(`  Note over ${from}: ${label}`);
    else lines.push(`  ${from}${arrow(entry)}${to}: ${label}`);
    if (entry.fault) {
      const over = entry.from === entry.to ? from : `${from},${to}`;
      lines.push(`  Note over ${over}: ⚡ fault ${escapeMermaidText(formatFault(entry.fault))}`);
    }
  }
  return lines.join('\n') + '\n';
}
