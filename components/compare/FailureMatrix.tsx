/**
 * The failure matrix: for every pattern and variant, how many single-fault runs showed each
 * anomaly with the consumer's idempotency switch off / on. A non-zero count is a link that opens
 * the runs behind it (the URL hash names the cell, so the link can be shared).
 */
import { ANOMALY_DESCRIPTIONS, ANOMALY_IDS, type AnomalyId } from '../../machines/kernel/vocabulary';
import { ANOMALY_STYLE, TONE_CLASSES } from '../ui/anomaly-style';
import { compareRowAnchor } from '../../machines/compare/anchors';
import { cellHash, type CellColumn } from './cell-runs';
import type { RowStanding } from './requirements';
import { groupByPattern, rowKey, type ExplorerRow } from './rows';
import { Caption, COLUMN_HEADER, CORNER_CELL, GroupHeaderRow, rowClasses, ScrollTable, VariantHeader } from './table-parts';
import { TONE_TINT } from './tones';

const TABLE_ID = 'failure-matrix';
const COLUMNS = 2 + ANOMALY_IDS.length + 1;

export function FailureMatrix({ rows, standings }: { rows: readonly ExplorerRow[]; standings: ReadonlyMap<string, RowStanding> }) {
  return (
    <ScrollTable
      id={TABLE_ID}
      testId="failure-matrix"
      legend={
        <>
          Each cell counts the single-fault runs that showed the anomaly, as <strong className="text-fg">with the consumer&apos;s idempotency switch off / with it on</strong>. Select a
          count to list its runs.
        </>
      }
    >
      <table className="w-full border-collapse">
        <Caption id={TABLE_ID}>Failure matrix: single-fault runs per anomaly, idempotency off / on</Caption>
        <thead>
          <tr>
            <th scope="col" className={CORNER_CELL}>
              Pattern and variant
            </th>
            <th scope="col" className={`${COLUMN_HEADER} text-right`}>
              Runs
            </th>
            {ANOMALY_IDS.map((id) => (
              <th key={id} scope="col" className={`${COLUMN_HEADER} min-w-[6rem] text-center`}>
                <span aria-hidden="true" className={`block font-mono text-base ${TONE_CLASSES[ANOMALY_STYLE[id].tone]}`}>
                  {ANOMALY_STYLE[id].glyph}
                </span>
                {ANOMALY_DESCRIPTIONS[id].label}
              </th>
            ))}
            <th scope="col" className={`${COLUMN_HEADER} min-w-[6rem] text-center`}>
              <span aria-hidden="true" className="block font-mono text-base text-warn">
                ↻
              </span>
              Did not settle
            </th>
          </tr>
        </thead>
        {groupByPattern(rows).map((group) => (
          <tbody key={group.pattern}>
            <GroupHeaderRow title={group.title} columns={COLUMNS} />
            {group.rows.map((row) => {
              const standing = standings.get(rowKey(row));
              const dimmed = standing?.state === 'misses';
              return (
                <tr
                  key={row.variant}
                  // Lab pages link here (anchors.ts); the linked row is outlined once scrolled to.
                  id={compareRowAnchor(row.pattern, row.variant)}
                  data-row={rowKey(row)}
                  data-standing={standing?.state ?? 'neutral'}
                  className={`scroll-mt-24 target:outline-3 target:-outline-offset-3 target:outline-accent ${rowClasses(standing ?? { state: 'neutral', missed: [] })}`}
                >
                  <VariantHeader label={row.variantLabel} isDefault={row.variant === 'default'} standing={standing} />
                  <td className={`border-t border-line px-2 py-2 text-right text-sm tabular-nums ${dimmed ? 'text-muted' : ''}`}>{row.runs}</td>
                  {ANOMALY_IDS.map((id) => (
                    <CountCell key={id} row={row} column={id} counts={row.anomalies[id]} dimmed={dimmed} />
                  ))}
                  <CountCell row={row} column="unsettled" counts={row.unsettled} dimmed={dimmed} />
                </tr>
              );
            })}
          </tbody>
        ))}
      </table>
    </ScrollTable>
  );
}

function columnLook(column: CellColumn): { glyph: string; tone: keyof typeof TONE_TINT; label: string } {
  if (column === 'unsettled') return { glyph: '↻', tone: 'warn', label: 'did not settle' };
  const id: AnomalyId = column;
  return { glyph: ANOMALY_STYLE[id].glyph, tone: ANOMALY_STYLE[id].tone, label: ANOMALY_DESCRIPTIONS[id].label };
}

function CountCell({ row, column, counts, dimmed }: { row: ExplorerRow; column: CellColumn; counts: { off: number; on: number }; dimmed: boolean }) {
  if (counts.off + counts.on === 0) {
    return (
      <td className="border-t border-line px-2 py-2 text-center text-sm text-muted tabular-nums" data-cell={column}>
        0
      </td>
    );
  }
  const look = columnLook(column);
  const colour = dimmed ? 'border-line text-muted' : `${TONE_CLASSES[look.tone]} ${TONE_TINT[look.tone]}`;
  return (
    <td className="border-t border-line px-1.5 py-1.5 text-center" data-cell={column}>
      <a
        href={cellHash({ pattern: row.pattern, variant: row.variant, column })}
        className={`inline-flex min-h-9 min-w-[5.25rem] items-center whitespace-nowrap justify-center gap-1.5 rounded-md border-2 px-2 py-1 font-semibold tabular-nums hover:underline ${colour}`}
      >
        <span aria-hidden="true" className="font-mono">
          {look.glyph}
        </span>
        <span>
          {counts.off} / {counts.on}
        </span>
        <span className="sr-only">
          {' '}
          runs {look.label} with idempotency off / on: list them
        </span>
      </a>
    </td>
  );
}
