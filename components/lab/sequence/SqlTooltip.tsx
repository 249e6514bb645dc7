'use client';

import type { RowLayout } from '../sequence-layout';
import { HEADER_HEIGHT } from './constants';

/** The SQL statements of the hovered arrow, shown just below it (nothing for arrows without SQL). */
export function SqlTooltip({ row }: { row: RowLayout | undefined }) {
  if (!row?.entry.sql) return null;
  return (
    <div
      role="tooltip"
      className="pointer-events-none absolute z-20 max-w-[min(90%,32rem)] rounded-md border border-line bg-surface px-3 py-2 font-mono text-xs shadow-lg"
      style={{ left: Math.max(8, Math.min(row.x1, row.x2)), top: HEADER_HEIGHT + row.y + 10 }}
    >
      {row.entry.sql.map((line, i) => (
        <div key={i} className="whitespace-pre-wrap break-words">
          {line}
        </div>
      ))}
    </div>
  );
}
