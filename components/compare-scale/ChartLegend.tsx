/**
 * The key to a chart: each series' line and marker drawn as the chart draws them, and its name,
 * so the series are told apart by shape and dash as well as by colour.
 */
import type { ChartSeries } from './chart-data';
import { seriesStyle } from './series-style';

function Sample({ series }: { series: ChartSeries }) {
  const style = seriesStyle(series.tone, series.source);
  const colour = `var(${style.colourVar})`;
  return (
    <svg width="36" height="14" viewBox="0 0 36 14" aria-hidden="true" className="shrink-0">
      <line x1="1" y1="7" x2="35" y2="7" stroke={colour} strokeWidth="2" strokeDasharray={style.dash.join(' ') || undefined} />
      {style.marker === 'circle' ? (
        <circle cx="18" cy="7" r="4" stroke={colour} strokeWidth="2" fill={style.hollow ? 'var(--surface)' : colour} />
      ) : (
        <rect x="14" y="3" width="8" height="8" stroke={colour} strokeWidth="2" fill={style.hollow ? 'var(--surface)' : colour} />
      )}
    </svg>
  );
}

export function ChartLegend({ series }: { series: readonly ChartSeries[] }) {
  return (
    <ul className="flex flex-wrap gap-x-5 gap-y-1 text-sm" aria-label="Key">
      {series.map((s) => (
        <li key={s.label} className="flex items-center gap-2">
          <Sample series={s} />
          {s.label}
        </li>
      ))}
    </ul>
  );
}
