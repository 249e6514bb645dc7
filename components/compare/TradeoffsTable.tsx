/**
 * What each pattern and variant costs, measured from fault-free runs (five orders, simulated
 * time): latency, work per order, tables that keep growing, moving parts, and what its fault runs
 * showed about duplicates, ordering and blocking. Every row links to the runs it was measured on.
 */
import type { CompareRow, OffOn } from '../../machines/compare/types';
import { MeasuredRunLinks } from './RunLinks';
import { groupByPattern, rowKey } from './rows';
import { Caption, COLUMN_HEADER, CORNER_CELL, GroupHeaderRow, ScrollTable, VariantHeader } from './table-parts';

const TABLE_ID = 'tradeoffs';
const COLUMNS = 12;
const CELL = 'border-t border-line px-2 py-2 align-top text-sm';
const FIGURE_CELL = `${CELL} whitespace-nowrap text-right tabular-nums`;

function figure(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function offOn(values: OffOn, hasOn: boolean): string {
  return hasOn ? `${figure(values.off)} / ${figure(values.on)}` : figure(values.off);
}

function housekeepingId(table: string): string {
  return `housekeeping-${table.replace(/[^a-z0-9]+/gi, '-')}`;
}

export function TradeoffsTable({ rows, seed }: { rows: readonly CompareRow[]; seed: number }) {
  const orders = rows[0]?.measures.run.orders ?? [];
  // Each growing table's housekeeping once, under the table, rather than repeated in every row it grows in.
  const housekeeping = new Map(rows.flatMap((row) => row.measures.growingTables.map((t) => [t.table, t.housekeeping] as const)));
  return (
    <>
      <ScrollTable
        id={TABLE_ID}
        testId="tradeoffs-table"
        legend={
          <>
            The {orders.length} orders arrive at {orders.join(', ')} ms (simulated). Two figures read{' '}
            <strong className="text-fg">idempotency off / on</strong>. A growing table shows its rows after a shorter run → after the measured one: they pile up with the orders
            until housekeeping clears them.
          </>
        }
      >
        <table className="w-full border-collapse">
          <Caption id={TABLE_ID}>Trade-offs measured on fault-free runs, simulated ms</Caption>
          <thead>
            <tr>
              <th scope="col" className={CORNER_CELL}>
                Pattern and variant
              </th>
              <th scope="col" className={`${COLUMN_HEADER} min-w-[8rem] text-right`}>
                Commit → effect, median / max (ms)
              </th>
              <th scope="col" className={`${COLUMN_HEADER} min-w-[6.5rem] text-right`}>
                Statements per order
              </th>
              <th scope="col" className={`${COLUMN_HEADER} min-w-[6.5rem] text-right`}>
                Round trips per order
              </th>
              <th scope="col" className={`${COLUMN_HEADER} min-w-[14rem] text-left`}>
                Rows that keep growing
              </th>
              <th scope="col" className={`${COLUMN_HEADER} text-right`}>
                Participants
              </th>
              <th scope="col" className={`${COLUMN_HEADER} min-w-[8rem] text-left`}>
                Extra infrastructure
              </th>
              <th scope="col" className={`${COLUMN_HEADER} min-w-[7rem] text-left`}>
                Needs an idempotent consumer
              </th>
              <th scope="col" className={`${COLUMN_HEADER} text-left`}>
                Order per key
              </th>
              <th scope="col" className={`${COLUMN_HEADER} text-left`}>
                Blocks
              </th>
              <th scope="col" className={`${COLUMN_HEADER} min-w-[6rem] text-left`}>
                Read-your-writes
              </th>
              <th scope="col" className={`${COLUMN_HEADER} text-left`}>
                Measured on
              </th>
            </tr>
          </thead>
          {groupByPattern(rows).map((group) => (
            <tbody key={group.pattern}>
              <GroupHeaderRow title={group.title} columns={COLUMNS} />
              {group.rows.map((row) => (
                <TradeoffRow key={row.variant} row={row} seed={seed} />
              ))}
            </tbody>
          ))}
        </table>
      </ScrollTable>
      <section aria-labelledby="housekeeping-heading" className="mt-4">
        <h3 id="housekeeping-heading" className="font-semibold">
          What clears the growing tables
        </h3>
        <dl className="mt-2 grid max-w-5xl gap-x-6 gap-y-2 text-sm md:grid-cols-2">
          {[...housekeeping].map(([table, text]) => (
            <div key={table} id={housekeepingId(table)} className="scroll-mt-4">
              <dt className="font-mono text-xs font-semibold">{table}</dt>
              <dd className="text-muted">{text}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}

function TradeoffRow({ row, seed }: { row: CompareRow; seed: number }) {
  const m = row.measures;
  const hasOn = m.runIdempotent !== null;
  const latency = m.commitToEffectMs;
  return (
    <tr data-row={rowKey(row)}>
      <VariantHeader label={row.variantLabel} isDefault={row.variant === 'default'} />
      <td className={FIGURE_CELL}>
        {latency ? (
          <>
            {figure(latency.median)} / {figure(latency.max)}
            {m.effect === 'cache' && <span className="block whitespace-normal text-xs text-muted">until the cache caught up</span>}
            {m.effect === 'confirmation' && <span className="block whitespace-normal text-xs text-muted">until the saga confirmed the order</span>}
          </>
        ) : (
          <span className="text-muted" title="No order reached downstream in the measured run, so there is no latency to measure">
            none reached
          </span>
        )}
      </td>
      <td className={FIGURE_CELL}>{offOn(m.statementsPerOrder, hasOn)}</td>
      <td className={FIGURE_CELL}>{offOn(m.roundTripsPerOrder, hasOn)}</td>
      <td className={CELL}>
        {m.growingTables.length === 0 ? (
          <span className="text-muted">none</span>
        ) : (
          <ul className="space-y-1.5">
            {m.growingTables.map((table) => (
              <li key={table.table}>
                <a href={`#${housekeepingId(table.table)}`} className="font-mono text-xs font-semibold underline decoration-dotted">
                  {table.table}
                </a>{' '}
                <span className="whitespace-nowrap tabular-nums">
                  {table.rowsShort} → {table.rowsLong} rows
                </span>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className={FIGURE_CELL}>{m.participants}</td>
      <td className={CELL}>{m.extraInfrastructure.length === 0 ? <span className="text-muted">none</span> : m.extraInfrastructure.join(', ')}</td>
      <td className={CELL}>
        <Verdict good={!row.traits.needsIdempotentConsumer} yes={row.traits.needsIdempotentConsumer} />
      </td>
      <td className={CELL}>{row.traits.orderJudged ? <Verdict good={row.traits.orderPerKey} yes={row.traits.orderPerKey} /> : <span className="text-muted">not judged</span>}</td>
      <td className={CELL}>
        <Verdict good={!row.traits.blocks} yes={row.traits.blocks} />
      </td>
      <td className={CELL}>
        <Verdict good={m.readYourWrites} yes={m.readYourWrites} />
      </td>
      <td className={CELL}>
        <MeasuredRunLinks pattern={row.pattern} seed={seed} run={m.run} runIdempotent={m.runIdempotent} context={`${row.title}, ${row.variantLabel}, measured`} />
      </td>
    </tr>
  );
}

/** Yes or no, in a word; the costly answer is also marked and coloured. */
function Verdict({ good, yes }: { good: boolean; yes: boolean }) {
  return good ? (
    <span>{yes ? 'yes' : 'no'}</span>
  ) : (
    <span className="font-semibold text-warn">
      <span aria-hidden="true">▲ </span>
      {yes ? 'yes' : 'no'}
    </span>
  );
}
