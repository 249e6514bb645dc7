/**
 * The scale figures as chart series: one x value list shared by every series (uPlot draws aligned
 * columns), with a gap wherever a series has no value at an x. Pure, so it is tested without a
 * browser.
 */
import type { ScaleMeasures } from '../../machines/compare/scale/types';

/** Which case a series shows: the costly one (no index, no heartbeat) or the remedy. */
export type SeriesTone = 'costly' | 'remedy';
export type FigureSource = 'built' | 'browser';

export interface ChartSeries {
  label: string;
  tone: SeriesTone;
  source: FigureSource;
  points: ReadonlyArray<readonly [x: number, y: number]>;
}

export interface AlignedData {
  xs: number[];
  /** One column per series, `null` where the series has no point at that x. */
  columns: (number | null)[][];
}

export function alignSeries(series: readonly ChartSeries[]): AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const columns = series.map((s) => {
    const byX = new Map(s.points.map(([x, y]) => [x, y]));
    return xs.map((x) => byX.get(x) ?? null);
  });
  return { xs, columns };
}

export const SOURCE_NAME: Record<FigureSource, string> = { built: 'at build (Node)', browser: 'this browser' };

export interface Measured {
  source: FigureSource;
  data: ScaleMeasures;
}

export function pollSeries(measured: readonly Measured[]): ChartSeries[] {
  return measured.flatMap(({ source, data }) => [
    { label: `Without the index, ${SOURCE_NAME[source]}`, tone: 'costly' as const, source, points: data.poll.sizes.map((s) => [s.rows, s.withoutIndex.executionMs] as const) },
    { label: `With the index, ${SOURCE_NAME[source]}`, tone: 'remedy' as const, source, points: data.poll.sizes.map((s) => [s.rows, s.withIndex.executionMs] as const) },
  ]);
}

export function slotSeries(measured: readonly Measured[]): ChartSeries[] {
  return measured.flatMap(({ source, data }) => [
    { label: `No heartbeat, ${SOURCE_NAME[source]}`, tone: 'costly' as const, source, points: data.slot.withoutHeartbeat.map((p) => [p.changedRows, p.retainedBytes] as const) },
    { label: `Heartbeat, ${SOURCE_NAME[source]}`, tone: 'remedy' as const, source, points: data.slot.withHeartbeat.map((p) => [p.changedRows, p.retainedBytes] as const) },
  ]);
}
