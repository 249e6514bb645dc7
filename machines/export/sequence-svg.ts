/**
 * A run as a standalone SVG sequence diagram: one column per participant, one row per trace
 * entry, a mark where an armed fault struck. Drawn from the trace (not copied from the page), so
 * it needs no stylesheet and reads the same in any viewer, slide deck or docs page.
 */
import { formatFault } from '../kernel/scenario';
import type { RunResult, TraceEntry } from '../kernel/types';

const COLUMN = 170;
const ROW = 30;
const HEADER = 48;
const MARGIN = 16;
const COLOURS = { fg: '#15181d', muted: '#4a5260', line: '#c9ced6', bad: '#b34700', reply: '#0060a0', bg: '#ffffff' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Long labels are cut so one arrow's text never runs over its neighbour's column. */
function fit(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function entryMarkup(entry: TraceEntry, y: number, x: (actor: string) => number): string {
  const from = x(entry.from);
  const to = x(entry.to);
  const failed = !entry.ok || entry.kind === 'error';
  const colour = failed || entry.fault ? COLOURS.bad : entry.kind === 'reply' ? COLOURS.reply : COLOURS.fg;
  const fault = entry.fault ? ` ⚡ ${formatFault(entry.fault)}` : '';
  const label = escapeXml(fit(`${entry.step}. ${entry.label}`, 44) + fault);
  if (from === to) {
    return `<g><circle cx="${from}" cy="${y}" r="5" fill="${colour}"/><text x="${from + 10}" y="${y + 4}" fill="${colour}">${label}</text></g>`;
  }
  const dash = entry.kind === 'reply' ? ' stroke-dasharray="5 4"' : '';
  const marker = failed ? 'cross' : entry.fault ? 'head-bad' : entry.kind === 'reply' ? 'head-reply' : 'head-fg';
  return (
    `<g><line x1="${from}" y1="${y}" x2="${to}" y2="${y}" stroke="${colour}" stroke-width="1.5"${dash} marker-end="url(#${marker})"/>` +
    `<text x="${(from + to) / 2}" y="${y - 6}" text-anchor="middle" fill="${colour}">${label}</text></g>`
  );
}

export function runToSvg(result: Pick<RunResult, 'participants' | 'trace'>, title = 'Sequence diagram'): string {
  const { participants, trace } = result;
  const width = MARGIN * 2 + Math.max(1, participants.length) * COLUMN;
  const height = HEADER + (trace.length + 1) * ROW + MARGIN;
  const columnOf = new Map(participants.map((p, index) => [p.id, MARGIN + index * COLUMN + COLUMN / 2]));
  const x = (actor: string) => columnOf.get(actor) ?? MARGIN;

  const heads = participants
    .map((p) => {
      const cx = x(p.id);
      return (
        `<g><rect x="${cx - COLUMN / 2 + 8}" y="${MARGIN}" width="${COLUMN - 16}" height="26" rx="4" fill="${COLOURS.bg}" stroke="${COLOURS.line}"/>` +
        `<text x="${cx}" y="${MARGIN + 17}" text-anchor="middle" font-weight="600">${escapeXml(fit(p.label, 22))}</text>` +
        `<line x1="${cx}" y1="${MARGIN + 26}" x2="${cx}" y2="${height - MARGIN}" stroke="${COLOURS.line}"/></g>`
      );
    })
    .join('');
  const rows = trace.map((entry, index) => entryMarkup(entry, HEADER + (index + 1) * ROW, x)).join('');

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12" fill="${COLOURS.fg}">`,
    `<title>${escapeXml(title)}</title>`,
    // One arrowhead per colour: context-stroke is not read by every SVG viewer.
    `<defs>${(['fg', 'reply', 'bad'] as const).map((c) => `<marker id="head-${c}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${COLOURS[c]}"/></marker>`).join('')}`,
    `<marker id="cross" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="9" markerHeight="9"><path d="M1 1L9 9M9 1L1 9" stroke="${COLOURS.bad}" stroke-width="2"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="${COLOURS.bg}"/>`,
    heads,
    rows,
    '</svg>',
    '',
  ].join('\n');
}
