import type { TableRow, TableSnapshot } from '../../machines/kernel/types';
import { Panel } from './Panel';

type Change = 'new' | 'changed' | null;

function rowKey(table: TableSnapshot, row: TableRow): string {
  const first = table.columns[0];
  return first === undefined ? JSON.stringify(row) : String(row[first]);
}

function changes(table: TableSnapshot, before: TableSnapshot | undefined): Change[] {
  if (!before) return table.rows.map(() => null);
  const previous = new Map(before.rows.map((row) => [rowKey(before, row), JSON.stringify(row)]));
  return table.rows.map((row) => {
    const old = previous.get(rowKey(table, row));
    if (old === undefined) return 'new';
    return old === JSON.stringify(row) ? null : 'changed';
  });
}

const MAX_CELL = 28;

function cell(value: TableRow[string]): string {
  if (value === null) return 'NULL';
  return String(value);
}

function shorten(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

interface TablesPanelProps {
  title: string;
  testId: string;
  tables: TableSnapshot[] | undefined;
  previousTables: TableSnapshot[] | undefined;
  empty: string;
}

/** Tables as they are right after the current step; rows this step wrote are highlighted. */
export function TablesPanel({ title, testId, tables, previousTables, empty }: TablesPanelProps) {
  return (
    <Panel title={title} testId={testId}>
      {!tables || tables.length === 0 ? (
        <p className="text-muted">{empty}</p>
      ) : (
        <div className="space-y-4">
          {tables.map((table) => {
            const marks = changes(table, previousTables?.find((t) => t.name === table.name));
            return (
              <div key={table.name} data-testid={`table-${table.name}`}>
                <h3 className="mb-1 font-mono text-sm font-semibold">
                  {table.name} <span className="font-sans font-normal text-muted">· {table.rows.length} row{table.rows.length === 1 ? '' : 's'}</span>
                </h3>
                {table.note ? <p className="mb-1 text-sm text-muted">{table.note}</p> : null}
                {table.rows.length === 0 ? (
                  <p className="text-sm text-muted">empty</p>
                ) : (
                  // Focusable so keyboard users can scroll a wide table sideways.
                  <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`Table ${table.name}`}>
                    <table className="w-full border-collapse font-mono text-sm">
                      <thead>
                        <tr className="border-b border-line text-left text-muted">
                          <th scope="col" className="w-10 py-1 pr-2 font-sans text-xs font-normal">
                            <span className="sr-only">Change in this step</span>
                          </th>
                          {table.columns.map((column) => (
                            <th key={column} scope="col" className="whitespace-nowrap py-1 pr-3 font-semibold">
                              {column}
                            </th>
                          ))}
                        </tr>
                      </thead>
                      <tbody>
                        {table.rows.map((row, i) => {
                          const mark = marks[i];
                          return (
                            <tr
                              key={`${rowKey(table, row)}-${i}`}
                              className={`border-b border-line/50 ${mark ? 'row-new bg-hl' : ''}`}
                              data-change={mark ?? undefined}
                            >
                              <td className="py-1 pr-2 font-sans text-xs font-bold text-warn">{mark ?? ''}</td>
                              {table.columns.map((column) => (
                                <td
                                  key={column}
                                  className={`whitespace-nowrap py-1 pr-3 ${row[column] === null ? 'text-muted italic' : ''}`}
                                  title={cell(row[column] ?? null).length > MAX_CELL ? cell(row[column] ?? null) : undefined}
                                >
                                  {shorten(cell(row[column] ?? null))}
                                </td>
                              ))}
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                )}
              </div>
            );
          })}
        </div>
      )}
    </Panel>
  );
}
