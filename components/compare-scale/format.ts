/** How the scale figures read in text: milliseconds, bytes and row counts, the same in charts and tables. */

export function formatMs(ms: number): string {
  if (ms >= 100) return `${Math.round(ms).toLocaleString('en')} ms`;
  if (ms >= 10) return `${Number(ms.toFixed(1))} ms`;
  // Two significant digits: 0.13 ms and 1.5 ms, never 0.1339 ms that claims a precision it lacks.
  return `${Number(ms.toPrecision(2))} ms`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB'] as const;

/** Binary units, as Postgres counts WAL (16 MiB segments). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? String(Math.round(value)) : value >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
  return `${shown} ${BYTE_UNITS[unit]}`;
}

export function formatRows(rows: number): string {
  return rows.toLocaleString('en');
}

/** 1k, 10k, 100k: the labels of a log-scale axis of row counts. */
export function formatCompactRows(rows: number): string {
  if (rows >= 1_000_000) return `${Number((rows / 1_000_000).toPrecision(3))}M`;
  if (rows >= 1_000) return `${Number((rows / 1_000).toPrecision(3))}k`;
  return String(rows);
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}
