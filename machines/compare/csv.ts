/** The failure matrix and measures as CSV, one line per pattern and variant (the page's download, `lab compare --csv`). */
import { ANOMALY_IDS } from '../kernel/vocabulary';
import type { CompareData } from './types';

function field(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  // Quote what a spreadsheet would split or misread; a leading = + - @ would be read as a formula.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function compareCsv(data: CompareData): string {
  const header = [
    'pattern',
    'variant',
    'runs',
    ...ANOMALY_IDS.flatMap((id) => [`${id} off`, `${id} on`]),
    'unsettled off',
    'unsettled on',
    'commit-to-effect median ms (simulated)',
    'commit-to-effect max ms (simulated)',
    'statements per order off',
    'statements per order on',
    'round trips per order off',
    'round trips per order on',
    'participants',
    'extra infrastructure',
    'growing tables',
    'read your writes',
  ];
  const lines = data.rows.map((row) => {
    const m = row.measures;
    return [
      row.pattern,
      row.variant,
      row.runs,
      ...ANOMALY_IDS.flatMap((id) => [row.anomalies[id].off, row.anomalies[id].on]),
      row.unsettled.off,
      row.unsettled.on,
      m.commitToEffectMs?.median ?? null,
      m.commitToEffectMs?.max ?? null,
      m.statementsPerOrder.off,
      m.statementsPerOrder.on,
      m.roundTripsPerOrder.off,
      m.roundTripsPerOrder.on,
      m.participants,
      m.extraInfrastructure.join('; '),
      m.growingTables.map((t) => t.table).join('; '),
      m.readYourWrites,
    ].map(field);
  });
  return [header.map(field), ...lines].map((line) => line.join(',')).join('\r\n') + '\r\n';
}
