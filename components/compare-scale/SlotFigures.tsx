'use client';

/** WAL an idle replication slot retains as other tables change, with and without a heartbeat. */
import { useMemo } from 'react';
import { ChartLegend } from './ChartLegend';
import { slotSeries, type Measured } from './chart-data';
import { CELL_NUMBER, FigureTable, HEAD_NUMBER } from './FigureTable';
import { formatBytes, formatCompactRows, formatRows } from './format';
import { LineChart, type AxisSpec } from './LineChart';
import { measuredWhere } from './sources';

const X_AXIS: AxisSpec = { label: 'Rows changed in uncaptured tables', log: false, format: formatCompactRows };
const Y_AXIS: AxisSpec = { label: 'WAL retained', log: false, format: formatBytes };

function SlotTable({ measured }: { measured: Measured }) {
  const { slot } = measured.data;
  return (
    <FigureTable
      id={`scale-slot-${measured.source}`}
      testId={`slot-table-${measured.source}`}
      narrow
      caption={
        <>
          <strong className="text-fg">{measuredWhere(measured)}.</strong> Retained: <code>pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)</code> of a {slot.slotKind}{' '}
          slot after each batch of {formatRows(slot.rowsPerBatch)} rows.
        </>
      }
    >
      <thead>
        <tr>
          <th scope="col" className={HEAD_NUMBER}>
            Rows changed elsewhere
          </th>
          <th scope="col" className={HEAD_NUMBER}>
            Retained, no heartbeat
          </th>
          <th scope="col" className={HEAD_NUMBER}>
            Retained, with a heartbeat
          </th>
        </tr>
      </thead>
      <tbody>
        {slot.withoutHeartbeat.map((point, i) => (
          <tr key={point.changedRows}>
            <th scope="row" className={`${CELL_NUMBER} font-semibold`}>
              {formatRows(point.changedRows)}
            </th>
            <td className={CELL_NUMBER}>{formatBytes(point.retainedBytes)}</td>
            <td className={CELL_NUMBER}>{slot.withHeartbeat[i] ? formatBytes(slot.withHeartbeat[i].retainedBytes) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </FigureTable>
  );
}

export function SlotFigures({ measured }: { measured: readonly Measured[] }) {
  const series = useMemo(() => slotSeries(measured), [measured]);
  const { slot } = measured[0]!.data;
  const last = slot.withoutHeartbeat.at(-1);
  const heartbeatMax = Math.max(0, ...slot.withHeartbeat.map((p) => p.retainedBytes));
  return (
    <div className="space-y-4">
      <p className="max-w-4xl">
        A connector captures only the outbox, and the outbox is quiet while other tables change. It confirms nothing, so its slot never moves and Postgres keeps every byte
        of WAL since{last ? `: ${formatBytes(last.retainedBytes)} after ${formatRows(last.changedRows)} rows` : ''}. With a heartbeat (a row written to a captured table
        after each batch, its position confirmed with <code>pg_replication_slot_advance</code>, as Debezium&apos;s <code>heartbeat.action.query</code> does) the slot kept
        at most {formatBytes(heartbeatMax)}. Unbounded, that WAL fills the disk; with <code>max_slot_wal_keep_size</code> set, the slot is invalidated instead.
      </p>
      <ChartLegend series={series} />
      <LineChart
        series={series}
        x={X_AXIS}
        y={Y_AXIS}
        binaryY
        testId="slot-chart"
        label={`Chart: WAL an idle replication slot retains against rows changed in other tables, with and without a heartbeat. ${measured.map(measuredWhere).join('. ')}. The table below has the figures.`}
      />
      {measured.map((m) => (
        <SlotTable key={m.source} measured={m} />
      ))}
    </div>
  );
}
