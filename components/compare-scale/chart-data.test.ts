import { describe, expect, it } from 'vitest';
import { alignSeries, type ChartSeries } from './chart-data';
import { formatBytes, formatCompactRows, formatMs } from './format';

const series = (label: string, points: [number, number][]): ChartSeries => ({ label, tone: 'costly', source: 'built', points });

describe('aligning series for the chart', () => {
  it('shares one sorted x list and leaves a gap where a series has no point', () => {
    const aligned = alignSeries([series('a', [[1_000, 2], [100, 1]]), series('b', [[100, 5], [10_000, 7]])]);
    expect(aligned.xs).toEqual([100, 1_000, 10_000]);
    expect(aligned.columns).toEqual([
      [1, 2, null],
      [5, null, 7],
    ]);
  });
});

describe('formatting figures', () => {
  it('gives milliseconds two significant digits below 10', () => {
    expect([formatMs(0.1339), formatMs(1.486), formatMs(16.517), formatMs(133.36)]).toEqual(['0.13 ms', '1.5 ms', '16.5 ms', '133 ms']);
  });

  it('counts bytes in binary units', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(141_352), formatBytes(5_066_600)]).toEqual(['0 B', '1023 B', '138 KiB', '4.83 MiB']);
  });

  it('labels a row axis 100, 1k, 100k', () => {
    expect([100, 1_000, 10_000, 100_000].map(formatCompactRows)).toEqual(['100', '1k', '10k', '100k']);
  });
});
