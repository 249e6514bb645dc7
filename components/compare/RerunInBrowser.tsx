'use client';

import { useId, useState } from 'react';
import type { CompareData } from '../../machines/compare/types';
import type { PatternId } from '../../machines/kernel/vocabulary';
import { ProgressBar } from '../ui/ProgressBar';
import { BUTTON, BUTTON_PRIMARY, FIELD } from '../lab/buttonStyles';
import { useCompareRerun } from './useCompareRerun';

const ALL = 'all';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * "Re-run in this browser": the page's numbers were computed by `next build` in Node; this runs the
 * same kernel on a PGlite in this tab and says whether the two agree, and where they do not.
 */
export function RerunInBrowser({ built }: { built: CompareData }) {
  const { state, start, cancel } = useCompareRerun(built);
  const patterns = [...new Map(built.rows.map((r) => [r.pattern, r.title])).entries()];
  const [scope, setScope] = useState<string>(ALL);
  const selectId = useId();
  const running = state.status === 'running';
  const chosen: PatternId[] = scope === ALL ? patterns.map(([id]) => id) : [scope as PatternId];

  return (
    <div className="rounded-lg border border-line bg-surface p-4" data-testid="rerun">
      <h2 className="text-lg font-semibold">Re-run in this browser</h2>
      <p className="mt-1 text-muted">
        The figures above were computed when the site was built, in Node on the same Postgres build. Re-running explores
        again here, on Postgres in this tab (one per processor core, up to four, side by side): every pattern takes a
        minute or two, one pattern seconds.
      </p>
      <div className="mt-3 flex flex-wrap items-end gap-2">
        <label htmlFor={selectId} className="flex min-w-0 max-w-full flex-col text-sm">
          What to re-run
          <select id={selectId} className={`${FIELD} max-w-full`} value={scope} disabled={running} onChange={(e) => setScope(e.target.value)} data-testid="rerun-scope">
            <option value={ALL}>Every pattern ({patterns.length})</option>
            {patterns.map(([id, title]) => (
              <option key={id} value={id}>
                {title}
              </option>
            ))}
          </select>
        </label>
        {running ? (
          <button type="button" className={BUTTON} onClick={cancel} data-testid="rerun-cancel">
            Cancel
          </button>
        ) : (
          <button type="button" className={BUTTON_PRIMARY} onClick={() => start(chosen)} data-testid="rerun-start">
            Re-run in this browser
          </button>
        )}
      </div>
      <div aria-live="polite" className="mt-3">
        {state.status === 'running' && <ProgressBar message={state.message} fraction={state.fraction} />}
        {state.status === 'done' && state.agreement.agree && (
          <p className="font-medium text-ok" data-testid="rerun-agrees" data-rerun-ms={state.elapsedMs}>
            <span aria-hidden="true">✓ </span>
            Agrees with the build: {state.agreement.rows} {state.agreement.rows === 1 ? 'row' : 'rows'}, every count, measure and
            verdict identical (took {duration(state.elapsedMs)} in this browser, on{' '}
            {state.workers === 1 ? 'one Postgres' : `${state.workers} Postgres instances side by side`}).
          </p>
        )}
        {state.status === 'done' && !state.agreement.agree && (
          <div data-testid="rerun-disagrees" data-rerun-ms={state.elapsedMs}>
            <p className="font-medium text-bad">
              <span aria-hidden="true">✗ </span>
              Differs from the build in {state.agreement.differences.length} places (took {duration(state.elapsedMs)}):
            </p>
            <ul className="mt-1 list-disc pl-6 font-mono text-sm">
              {state.agreement.differences.slice(0, 50).map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          </div>
        )}
        {state.status === 'failed' && (
          <p role="alert" className="text-bad" data-testid="rerun-failed">
            The re-run failed: {state.message}
          </p>
        )}
      </div>
    </div>
  );
}
