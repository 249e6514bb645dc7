/** Housekeeping two ways, DELETE (then VACUUM) against dropping old partitions: one table per place measured. */
import type { HousekeepingMeasures, HousekeepingStep } from '../../machines/compare/scale/types';
import type { Measured } from './chart-data';
import { CELL, CELL_NUMBER, FigureTable, HEAD, HEAD_NUMBER } from './FigureTable';
import { formatBytes, formatDate, formatMs, formatRows } from './format';
import { measuredWhere } from './sources';

function steps(h: HousekeepingMeasures): { key: string; way: string; detail: string; step: HousekeepingStep }[] {
  return [
    { key: 'delete', way: 'DELETE', detail: 'WHERE published AND created_at < cutoff, unpartitioned outbox', step: h.delete },
    { key: 'vacuum', way: 'VACUUM after the DELETE', detail: 'turns the deleted rows’ space back into free space', step: h.vacuumAfterDelete },
    {
      key: 'drop',
      way: `DROP TABLE of ${h.dropPartitions.partitionsDropped} partitions`,
      detail: 'outbox partitioned by created_at, one partition a day, after checking none holds an unpublished row',
      step: h.dropPartitions,
    },
  ];
}

function HousekeepingTable({ measured }: { measured: Measured }) {
  const h = measured.data.housekeeping;
  const id = `scale-housekeeping-${measured.source}`;
  return (
    <FigureTable
      id={id}
      testId={`housekeeping-table-${measured.source}`}
      caption={
        <>
          <strong className="text-fg">{measuredWhere(measured)}.</strong> {formatRows(h.rows)} rows over {h.days} days; the cutoff is {formatDate(h.cutoff)}. Row by row:
          WAL records that change the outbox&apos;s own pages (a DELETE writes one per row).
        </>
      }
    >
      <thead>
        <tr>
          <th scope="col" className={HEAD}>
            Way
          </th>
          <th scope="col" className={HEAD_NUMBER}>
            Time
          </th>
          <th scope="col" className={HEAD_NUMBER}>
            Rows removed
          </th>
          <th scope="col" className={HEAD_NUMBER}>
            Row by row
          </th>
          <th scope="col" className={HEAD_NUMBER}>
            WAL records
          </th>
          <th scope="col" className={HEAD_NUMBER}>
            WAL written
          </th>
        </tr>
      </thead>
      <tbody>
        {steps(h).map(({ key, way, detail, step }) => (
          <tr key={key}>
            <th scope="row" className={`${CELL} min-w-[12rem] text-left font-normal`}>
              <span className="font-semibold">{way}</span>
              <span className="block text-xs text-muted">{detail}</span>
            </th>
            <td className={CELL_NUMBER}>{formatMs(step.ms)}</td>
            <td className={CELL_NUMBER}>{formatRows(step.rowsRemoved)}</td>
            <td className={CELL_NUMBER}>{formatRows(step.wal.heapRecords)}</td>
            <td className={CELL_NUMBER}>{formatRows(step.wal.records)}</td>
            <td className={CELL_NUMBER}>{formatBytes(step.wal.bytes)}</td>
          </tr>
        ))}
      </tbody>
    </FigureTable>
  );
}

export function HousekeepingFigures({ measured }: { measured: readonly Measured[] }) {
  const built = measured[0]!.data;
  const h = built.housekeeping;
  const ratio = h.dropPartitions.wal.bytes > 0 ? Math.round(h.delete.wal.bytes / h.dropPartitions.wal.bytes) : null;
  return (
    <div className="space-y-4">
      <p className="max-w-4xl">
        The same {formatRows(h.rows)} rows, {formatRows(h.delete.rowsRemoved)} of them published and older than the cutoff, cleared two ways. The DELETE removed them one
        by one ({formatRows(h.delete.wal.heapRecords)} WAL records on the outbox&apos;s pages, {formatBytes(h.delete.wal.bytes)}); dropping the old partitions removed{' '}
        {formatRows(h.dropPartitions.rowsRemoved)} rows without touching one ({formatBytes(h.dropPartitions.wal.bytes)} of WAL
        {ratio !== null ? `, about ${ratio}× less` : ''}). Both left {formatRows(h.rowsLeft.deleted)} rows.
      </p>
      <p className="max-w-4xl text-sm text-muted">
        WAL bytes come from <code>pg_current_wal_insert_lsn()</code> before and after. The lab runs Postgres with <code>full_page_writes = {built.postgres.fullPageWrites}</code>{' '}
        (<code>wal_level = {built.postgres.walLevel}</code>), so after a checkpoint a production server with the default (on) writes whole pages too: compare these bytes
        with each other, not with a production server&apos;s.
      </p>
      {measured.map((m) => (
        <HousekeepingTable key={m.source} measured={m} />
      ))}
    </div>
  );
}
