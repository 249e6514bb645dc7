/**
 * How a series looks, from what it shows: colour and marker by tone (the costly case in orange,
 * the remedy in blue: Okabe-Ito hues, told apart without colour by the marker's shape), line and
 * marker fill by source (built: solid, filled; this browser: dashed, hollow). Colours are the
 * theme's CSS variables, so they read in light and dark.
 */
import type { FigureSource, SeriesTone } from './chart-data';

export type MarkerShape = 'circle' | 'square';

export interface SeriesStyle {
  colourVar: '--bad' | '--accent';
  marker: MarkerShape;
  dash: number[];
  hollow: boolean;
}

export function seriesStyle(tone: SeriesTone, source: FigureSource): SeriesStyle {
  return {
    colourVar: tone === 'costly' ? '--bad' : '--accent',
    marker: tone === 'costly' ? 'circle' : 'square',
    dash: source === 'browser' ? [6, 4] : [],
    hollow: source === 'browser',
  };
}

/** Draws one marker centred on (x, y); `size` is its width in the context's pixels. */
export function drawMarker(ctx: CanvasRenderingContext2D, shape: MarkerShape, x: number, y: number, size: number): void {
  ctx.beginPath();
  if (shape === 'circle') ctx.arc(x, y, size / 2, 0, 2 * Math.PI);
  else ctx.rect(x - size / 2, y - size / 2, size, size);
  ctx.fill();
  ctx.stroke();
}
