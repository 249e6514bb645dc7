import type { Participant, StepRecord, TraceEntry } from '../../machines/kernel/types';

/** Pixel geometry of the sequence diagram, computed once per run and width. */
export interface SequenceLayout {
  width: number;
  height: number;
  gutter: number;
  columnWidth: number;
  lifelineX: Record<string, number>;
  rows: RowLayout[];
  /** Top and bottom of each step's band, by step index (1-based). */
  bands: Map<number, { top: number; bottom: number }>;
}

export interface RowLayout {
  entry: TraceEntry;
  y: number;
  x1: number;
  x2: number;
}

export const GUTTER = 92;
export const ROW_HEIGHT = 40;
const STEP_GAP = 6;
const TOP_PAD = 12;
const MIN_COLUMN = 108;

export function layoutSequence(
  participants: Participant[],
  steps: StepRecord[],
  trace: TraceEntry[],
  availableWidth: number,
): SequenceLayout {
  const columnWidth = Math.max(MIN_COLUMN, Math.floor((availableWidth - GUTTER) / Math.max(1, participants.length)));
  const lifelineX: Record<string, number> = {};
  participants.forEach((p, i) => {
    lifelineX[p.id] = GUTTER + columnWidth * (i + 0.5);
  });
  const byStep = new Map<number, TraceEntry[]>();
  for (const entry of trace) {
    const list = byStep.get(entry.step) ?? [];
    list.push(entry);
    byStep.set(entry.step, list);
  }
  const rows: RowLayout[] = [];
  const bands = new Map<number, { top: number; bottom: number }>();
  let y = TOP_PAD;
  for (const step of steps) {
    const entries = byStep.get(step.index) ?? [];
    const top = y;
    // A step that produced no arrow still gets a row, so it can be seen and armed.
    const count = Math.max(1, entries.length);
    entries.forEach((entry, i) => {
      const rowY = top + ROW_HEIGHT * (i + 0.7);
      rows.push({ entry, y: rowY, x1: lifelineX[entry.from] ?? GUTTER, x2: lifelineX[entry.to] ?? GUTTER });
    });
    y = top + count * ROW_HEIGHT;
    bands.set(step.index, { top, bottom: y });
    y += STEP_GAP;
  }
  return {
    width: GUTTER + columnWidth * participants.length,
    height: y + TOP_PAD,
    gutter: GUTTER,
    columnWidth,
    lifelineX,
    rows,
    bands,
  };
}
