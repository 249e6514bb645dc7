'use client';

/**
 * A line chart drawn by uPlot on a canvas. uPlot itself is loaded with a dynamic import() when the
 * chart mounts, so no page ships it in its first-load JS. The canvas is an image to assistive
 * technology (its label says what it shows); the table under every chart carries the figures.
 */
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { alignSeries, type ChartSeries } from './chart-data';
import { drawMarker, seriesStyle } from './series-style';
import { useThemeVersion } from './useThemeVersion';

export interface AxisSpec {
  label: string;
  log: boolean;
  format: (value: number) => string;
}

const MARKER_CSS_PX = 8;
const FONT = '12px system-ui, sans-serif';
const LABEL_FONT = '600 12px system-ui, sans-serif';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function chartHeight(width: number): number {
  return width < 520 ? 240 : 300;
}

/** A log axis gets a line at each decade only: the 2…9 lines between would crowd a small chart. */
function decadeSplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  const splits: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    const v = 10 ** e;
    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) splits.push(v);
  }
  return splits;
}

/** Byte axes step in powers of two (256 KiB, 512 KiB, 1 MiB), so every tick reads as a round figure. */
function binarySplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  const step = 2 ** Math.max(10, Math.ceil(Math.log2(Math.max(1, max - min) / 5)));
  const splits: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) splits.push(v);
  return splits;
}

function axis(spec: AxisSpec, colours: { muted: string; line: string }, binary: boolean): uPlot.Axis {
  return {
    label: spec.label,
    font: FONT,
    labelFont: LABEL_FONT,
    stroke: colours.muted,
    grid: { stroke: colours.line, width: 1 },
    ticks: { stroke: colours.line, width: 1 },
    values: (_u, splits) => splits.map((v) => (v === null ? '' : spec.format(v))),
    ...(spec.log ? { splits: decadeSplits } : binary ? { splits: binarySplits } : {}),
  };
}

export function LineChart({
  series,
  x,
  y,
  label,
  binaryY = false,
  testId,
}: {
  series: readonly ChartSeries[];
  x: AxisSpec;
  y: AxisSpec;
  /** What the chart shows, for people who cannot see it; the table below has the figures. */
  label: string;
  binaryY?: boolean;
  testId?: string;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const theme = useThemeVersion();
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    let chart: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let cancelled = false;
    import('uplot')
      .then(({ default: UPlot }) => {
        if (cancelled) return;
        const colours = { muted: cssVar('--muted'), line: cssVar('--line'), surface: cssVar('--surface') };
        const styles = series.map((s) => seriesStyle(s.tone, s.source));
        const { xs, columns } = alignSeries(series);
        // A log scale has no place for zero or less: such a point is left out rather than drawn wrong.
        const forScale = (values: (number | null)[]) => (y.log ? values.map((v) => (v !== null && v > 0 ? v : null)) : values);
        const data: uPlot.AlignedData = [xs, ...columns.map(forScale)];
        const width = Math.max(240, element.clientWidth);
        const options: uPlot.Options = {
          width,
          height: chartHeight(width),
          legend: { show: false },
          cursor: { drag: { x: false, y: false, setScale: false } },
          scales: { x: { time: false, distr: x.log ? 3 : 1 }, y: { distr: y.log ? 3 : 1, ...(y.log ? {} : { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] }) } },
          // Room between x labels, so "1.5k"-style labels do not crowd a narrow chart.
          axes: [{ ...axis(x, colours, false), space: 70 }, { ...axis(y, colours, binaryY), size: 72 }],
          series: [
            {},
            ...series.map((s, i) => ({
              label: s.label,
              stroke: cssVar(styles[i]!.colourVar),
              width: 2,
              dash: styles[i]!.dash,
              spanGaps: true,
              points: { show: false },
            })),
          ],
          hooks: {
            // Markers of two shapes (uPlot draws only circles), so the series differ without colour.
            draw: [
              (u) => {
                const ctx = u.ctx;
                const size = MARKER_CSS_PX * devicePixelRatio;
                ctx.save();
                ctx.lineWidth = 2 * devicePixelRatio;
                series.forEach((_, i) => {
                  const style = styles[i]!;
                  const colour = cssVar(style.colourVar);
                  ctx.strokeStyle = colour;
                  ctx.fillStyle = style.hollow ? colours.surface : colour;
                  const column = u.data[i + 1]!;
                  u.data[0].forEach((xv, j) => {
                    const yv = column[j];
                    if (yv === null || yv === undefined) return;
                    drawMarker(ctx, style.marker, u.valToPos(xv, 'x', true), u.valToPos(yv, 'y', true), size);
                  });
                });
                ctx.restore();
              },
            ],
          },
        };
        chart = new UPlot(options, data, element);
        observer = new ResizeObserver(() => {
          const next = Math.max(240, element.clientWidth);
          if (chart && next !== chart.width) chart.setSize({ width: next, height: chartHeight(next) });
        });
        observer.observe(element);
      })
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [series, x, y, binaryY, theme]);

  return (
    <div>
      <div ref={holder} role="img" aria-label={label} data-testid={testId} className="min-h-[240px] w-full overflow-hidden text-muted" />
      {failure && <p className="text-sm text-bad">The chart could not be drawn ({failure}); the table below has every figure.</p>}
    </div>
  );
}
