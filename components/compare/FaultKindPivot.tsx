/**
 * The matrix pivoted by fault kind: for every pattern and variant, the worst anomaly each kind of
 * fault caused (idempotency off / on) and how many runs of that kind there were. A kind that has
 * nothing to strike in a row (no broker call, no cache) leaves its cell empty.
 */
import type { WorstOffOn } from '../../machines/compare/types';
import { ANOMALY_DESCRIPTIONS, FAULT_DESCRIPTIONS, FAULT_KINDS, type AnomalyId, type FaultKind } from '../../machines/kernel/vocabulary';
import { ANOMALY_STYLE, TONE_CLASSES } from '../ui/anomaly-style';
import type { RowStanding } from './requirements';
import { groupByPattern, rowKey, type ExplorerRow } from './rows';
import { Caption, COLUMN_HEADER, CORNER_CELL, GroupHeaderRow, rowClasses, ScrollTable, VariantHeader } from './table-parts';

const TABLE_ID = 'fault-kind-pivot';

export function FaultKindPivot({ rows, standings }: { rows: readonly ExplorerRow[]; standings: ReadonlyMap<string, RowStanding> }) {
  // Only the kinds some row can be struck by: a column empty everywhere would say nothing.
  const kinds = FAULT_KINDS.filter((kind) => rows.some((row) => row.byFaultKind[kind]));
  return (
    <>
      <ScrollTable
        id={TABLE_ID}
        testId="fault-kind-pivot"
        legend={
          <>
            Each cell is the worst anomaly that kind of fault caused, <strong className="text-fg">with the consumer&apos;s idempotency switch off / on</strong>, and how many runs of
            that kind there were. “—” means that kind of fault has nothing to strike in that row.
          </>
        }
      >
        <table className="w-full border-collapse">
          <Caption id={TABLE_ID}>Failure matrix by fault kind: the worst anomaly per kind, idempotency off / on</Caption>
          <thead>
            <tr>
              <th scope="col" className={CORNER_CELL}>
                Pattern and variant
              </th>
              {kinds.map((kind) => (
                <th key={kind} scope="col" title={FAULT_DESCRIPTIONS[kind].summary} className={`${COLUMN_HEADER} min-w-[8rem] text-left`}>
                  {FAULT_DESCRIPTIONS[kind].label}
                </th>
              ))}
            </tr>
          </thead>
          {groupByPattern(rows).map((group) => (
            <tbody key={group.pattern}>
              <GroupHeaderRow title={group.title} columns={kinds.length + 1} />
              {group.rows.map((row) => {
                const standing = standings.get(rowKey(row)) ?? { state: 'neutral' as const, missed: [] };
                return (
                  <tr key={row.variant} data-row={rowKey(row)} data-standing={standing.state} className={rowClasses(standing)}>
                    <VariantHeader label={row.variantLabel} isDefault={row.variant === 'default'} standing={standing} />
                    {kinds.map((kind) => (
                      <WorstCell key={kind} kind={kind} worst={row.byFaultKind[kind]} dimmed={standing.state === 'misses'} />
                    ))}
                  </tr>
                );
              })}
            </tbody>
          ))}
        </table>
      </ScrollTable>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer font-medium">What each kind of fault does</summary>
        <dl className="mt-2 grid gap-x-6 gap-y-2 sm:grid-cols-2">
          {kinds.map((kind) => (
            <div key={kind}>
              <dt className="font-semibold">{FAULT_DESCRIPTIONS[kind].label}</dt>
              <dd className="text-muted">{FAULT_DESCRIPTIONS[kind].summary}</dd>
            </div>
          ))}
        </dl>
      </details>
    </>
  );
}

function WorstCell({ kind, worst, dimmed }: { kind: FaultKind; worst: WorstOffOn | undefined; dimmed: boolean }) {
  if (!worst) {
    return (
      <td className="border-t border-line px-2 py-2 text-sm text-muted" data-cell={kind} title={`${FAULT_DESCRIPTIONS[kind].label} has nothing to strike in this row`}>
        <span aria-hidden="true">—</span>
        <span className="sr-only">cannot strike here</span>
      </td>
    );
  }
  const same = worst.off === worst.on;
  return (
    <td className="border-t border-line px-2 py-2 align-top text-sm" data-cell={kind}>
      {same ? (
        <WorstMark id={worst.off} dimmed={dimmed} />
      ) : (
        <>
          <WorstMark id={worst.off} dimmed={dimmed} setting="off" />
          <WorstMark id={worst.on} dimmed={dimmed} setting="on" />
        </>
      )}
      <span className="block whitespace-nowrap text-xs text-muted">
        {same ? 'off and on · ' : ''}
        {worst.runs} run{worst.runs === 1 ? '' : 's'}
      </span>
    </td>
  );
}

/** The worst anomaly in glyph, word and colour; `setting` prefixes it when off and on differ. */
function WorstMark({ id, dimmed, setting }: { id: AnomalyId | 'none'; dimmed: boolean; setting?: 'off' | 'on' }) {
  const glyph = id === 'none' ? '✓' : ANOMALY_STYLE[id].glyph;
  const label = id === 'none' ? 'No anomaly' : ANOMALY_DESCRIPTIONS[id].label;
  const tone = dimmed ? 'text-muted' : TONE_CLASSES[id === 'none' ? 'ok' : ANOMALY_STYLE[id].tone];
  return (
    <span className={`flex items-baseline gap-1 whitespace-nowrap ${id === 'none' ? 'font-normal' : 'font-semibold'} ${tone}`}>
      {setting && <span className="w-6 shrink-0 text-xs font-normal text-muted">{setting}</span>}
      <span aria-hidden="true" className="w-5 shrink-0 font-mono">
        {glyph}
      </span>
      <span>{label}</span>
    </span>
  );
}
