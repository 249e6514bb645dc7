/** Where a set of figures was measured, in the words every chart and table labels itself with. */
import type { Measured } from './chart-data';
import { formatDate } from './format';

export function measuredWhere({ data }: Measured): string {
  const postgres = `PostgreSQL ${data.postgres.version} in PGlite`;
  if (data.where === 'node') return `Measured in Node when this site was built (${formatDate(data.measuredAt)}), ${postgres}`;
  return `Measured in this browser (${Math.round(data.elapsedMs / 100) / 10} s of measuring), ${postgres}`;
}
