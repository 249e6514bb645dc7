'use client';

/** The relay's poll against outbox size, with and without the index: the chart, then every figure as a table. */
import { useMemo } from 'react';
import type { PollRun } from '../../machines/compare/scale/types';
import { ChartLegend } from './ChartLegend';
import { pollSeries, type Measured } from './chart-data';
import { CELL, CELL_NUMBER, FigureTable, HEAD, HEAD_NUMBER } from './FigureTable';
import { formatCompactRows, formatMs, formatRows } from './format';
import { LineChart, type AxisSpec } from './LineChart';
import { measuredWhere } from './sources';

/** "a Seq Scan", "an Index Scan". */
const withArticle = (scan: string) => `${/^[AEIOU]/.test(scan) ? 'an' : 'a'} ${scan}`;

const X_AXIS: AxisSpec = { label: 'Outbox rows (log scale)', log: true, format: formatCompactRows };
const Y_AXIS: AxisSpec = { label: 'Execution time (log)', log: true, format: formatMs };

function Plan({ run }: { run: PollRun }) {
  const above = run.planPath.slice(0, -1);
  return (
    <>
      {above.length > 0 && <span className="text-muted">{above.join(' › ')} › </span>}
      <span className="font-medium">{run.scan}</span>
    </>
  );
}

function RunCells({ run }: { run: PollRun }) {
  return (
    <>
      <td className={`${CELL} whitespace-nowrap`}>
        <Plan run={run} />
      </td>
      <td className={CELL_NUMBER}>{formatMs(run.executionMs)}</td>
      <td className={CELL_NUMBER}>{formatMs(run.roundTripMs)}</td>
      <td className={CELL_NUMBER}>{formatRows(run.rowsRead)}</td>
    </>
  );
}

function PollTable({ measured, id }: { measured: Measured; id: string }) {
  const { poll } = measured.data;
  return (
    <FigureTable
      id={id}
      testId={`poll-table-${measured.source}`}
      caption={
        <>
          <strong className="text-fg">{measuredWhere(measured)}.</strong> Execution: EXPLAIN ANALYZE&apos;s execution time, median of {poll.repetitions} runs
          after a warm-up. Call: the plain query timed from the caller. Rows read: rows the scan returned plus those its filter threw away.
          {measured.data.clockStepMs >= 0.01 && (
            <> This clock moves in steps of {formatMs(measured.data.clockStepMs)}, so times near that are coarse.</>
          )}
        </>
      }
    >
      <thead>
        <tr>
          <th scope="col" rowSpan={2} className={HEAD_NUMBER}>
            Outbox rows
          </th>
          <th scope="colgroup" colSpan={4} className={`${HEAD} border-l`}>
            Without the index
          </th>
          <th scope="colgroup" colSpan={4} className={`${HEAD} border-l`}>
            With the index
          </th>
        </tr>
        <tr>
          {['without', 'with'].flatMap((group) =>
            ['Plan', 'Execution', 'Call', 'Rows read'].map((name, i) => (
              <th key={`${group}-${name}`} scope="col" className={`${i === 0 ? `${HEAD} border-l` : HEAD_NUMBER}`}>
                {name}
              </th>
            )),
          )}
        </tr>
      </thead>
      <tbody>
        {poll.sizes.map((size) => (
          <tr key={size.rows}>
            <th scope="row" className={`${CELL_NUMBER} font-semibold`}>
              {formatRows(size.rows)}
            </th>
            <RunCells run={size.withoutIndex} />
            <RunCells run={size.withIndex} />
          </tr>
        ))}
      </tbody>
    </FigureTable>
  );
}

export function PollFigures({ measured }: { measured: readonly Measured[] }) {
  const series = useMemo(() => pollSeries(measured), [measured]);
  const built = measured[0]!.data.poll;
  const largest = built.sizes.at(-1);
  return (
    <div className="space-y-4">
      <p className="max-w-4xl">
        The relay polls with <code className="break-words rounded bg-surface-2 px-1 text-sm">{built.query}</code> (limit {built.limit}). The outbox grows to each size with
        only the newest {built.unpublishedRows} rows unpublished; the index is <code className="rounded bg-surface-2 px-1 text-sm">(published, created_at)</code>.
        {largest && (
          <>
            {' '}
            At {formatRows(largest.rows)} rows, without the index Postgres ran {withArticle(largest.withoutIndex.scan)} that read {formatRows(largest.withoutIndex.rowsRead)} rows in{' '}
            {formatMs(largest.withoutIndex.executionMs)}; with it, {withArticle(largest.withIndex.scan)} that read {formatRows(largest.withIndex.rowsRead)} rows in{' '}
            {formatMs(largest.withIndex.executionMs)}.
          </>
        )}
      </p>
      <ChartLegend series={series} />
      <LineChart
        series={series}
        x={X_AXIS}
        y={Y_AXIS}
        testId="poll-chart"
        label={`Chart: poll execution time against outbox size, with and without the index, log scales. ${measured.map(measuredWhere).join('. ')}. The table below has the figures.`}
      />
      {measured.map((m) => (
        <PollTable key={m.source} measured={m} id={`scale-poll-${m.source}`} />
      ))}
    </div>
  );
}
