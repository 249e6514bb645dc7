'use client';

/**
 * The interactive half of /compare: the requirement picker, the matrix in either view and the runs
 * of an opened cell. It renders on the server too, so the counts are in the page's HTML before any
 * script runs; the browser only adds the highlighting, the view switch and the drill-down.
 */
import { useMemo, useState } from 'react';
import { FailureMatrix } from './FailureMatrix';
import { FaultKindPivot } from './FaultKindPivot';
import { RequirementPicker } from './RequirementPicker';
import { NO_REQUIREMENTS, rowStanding, type RequirementChoice, type RowStanding } from './requirements';
import { rowKey, type ExplorerRow } from './rows';
import { RunsDialog } from './RunsDialog';
import { useCellHash } from './useCellHash';

type View = 'anomaly' | 'fault-kind';

const VIEWS: { id: View; label: string }[] = [
  { id: 'anomaly', label: 'By anomaly' },
  { id: 'fault-kind', label: 'By fault kind' },
];

export function CompareExplorer({ rows, seed }: { rows: readonly ExplorerRow[]; seed: number }) {
  const [choice, setChoice] = useState<RequirementChoice>(NO_REQUIREMENTS);
  const [view, setView] = useState<View>('anomaly');
  const { target, close } = useCellHash(rows);

  const standings = useMemo(() => new Map<string, RowStanding>(rows.map((row) => [rowKey(row), rowStanding(row, choice)])), [rows, choice]);
  const meeting = [...standings.values()].filter((s) => s.state === 'meets').length;

  return (
    <div className="grid gap-6 xl:grid-cols-[17rem_minmax(0,1fr)]">
      {/* Sticky beside the matrix, and never taller than the window, so the live count stays in view. */}
      <div className="xl:sticky xl:top-4 xl:max-h-[calc(100vh-2rem)] xl:self-start xl:overflow-y-auto">
        <RequirementPicker choice={choice} onChange={setChoice} meeting={meeting} total={rows.length} />
      </div>
      <section aria-labelledby="matrix-heading" className="min-w-0">
        <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
          <h2 id="matrix-heading" className="text-2xl font-bold">
            Failure matrix
          </h2>
          <div role="group" aria-label="Matrix view" className="inline-flex rounded-md border border-line bg-surface p-0.5">
            {VIEWS.map(({ id, label }) => (
              <button
                key={id}
                type="button"
                aria-pressed={view === id}
                onClick={() => setView(id)}
                className={`min-h-9 rounded px-3 text-sm font-medium ${view === id ? 'bg-accent text-accent-fg' : 'hover:bg-surface-2'}`}
              >
                {label}
              </button>
            ))}
          </div>
        </div>
        {view === 'anomaly' ? <FailureMatrix rows={rows} standings={standings} /> : <FaultKindPivot rows={rows} standings={standings} />}
      </section>
      <RunsDialog target={target} rows={rows} seed={seed} onClose={close} />
    </div>
  );
}
