'use client';

/**
 * Operations at scale, measured: the outbox's poll as it grows, housekeeping by DELETE against
 * dropping partitions, and the WAL an idle slot retains, all on a real Postgres. `built` holds the
 * figures measured in Node when the site was built; "Measure in this browser" runs the same
 * measurement in a worker and draws its figures over the built ones.
 */
import { useId, useMemo } from 'react';
import type { ScaleMeasures } from '../../machines/compare/scale/types';
import { ProgressBar } from '../ui/ProgressBar';
import { BUTTON, BUTTON_PRIMARY } from '../lab/buttonStyles';
import type { Measured } from './chart-data';
import { HousekeepingFigures } from './HousekeepingFigures';
import { PollFigures } from './PollFigures';
import { SlotFigures } from './SlotFigures';
import { useScaleMeasure, type ScaleMeasureState } from './useScaleMeasure';

const SUBHEADING = 'text-xl font-semibold';

function MeasureInBrowser({ state, start, cancel, builtMs }: { state: ScaleMeasureState; start: () => void; cancel: () => void; builtMs: number }) {
  const running = state.status === 'running';
  return (
    <div className="rounded-lg border border-line bg-surface p-4" data-testid="scale-measure">
      <div className="flex flex-wrap items-center gap-3">
        {running ? (
          <button type="button" className={BUTTON} onClick={cancel} data-testid="scale-cancel">
            Cancel
          </button>
        ) : (
          <button type="button" className={BUTTON_PRIMARY} onClick={start} data-testid="scale-start">
            {state.status === 'done' ? 'Measure again in this browser' : 'Measure in this browser'}
          </button>
        )}
        <p className="text-sm text-muted">
          Starts a Postgres in this tab and runs the same statements (at build time they took {Math.round(builtMs / 1000)} s in Node, not counting the start). Nothing
          leaves the tab.
        </p>
      </div>
      <div aria-live="polite" className="mt-3 empty:mt-0">
        {state.status === 'running' && <ProgressBar message={state.message} fraction={state.fraction} />}
        {state.status === 'done' && (
          <p className="text-sm font-medium text-ok" data-testid="scale-done">
            <span aria-hidden="true">✓ </span>
            Measured in this browser in {Math.round(state.data.elapsedMs / 100) / 10} s: dashed lines and hollow markers below, and a table of its own under each
            built one.
          </p>
        )}
        {state.status === 'failed' && (
          <p role="alert" className="text-sm text-bad">
            The measurement failed: {state.message}
          </p>
        )}
      </div>
    </div>
  );
}

export function OperationsAtScale({ built }: { built: ScaleMeasures }) {
  const { state, start, cancel } = useScaleMeasure();
  const browser = state.status === 'done' ? state.data : null;
  const measured = useMemo<Measured[]>(() => [{ source: 'built', data: built }, ...(browser ? [{ source: 'browser' as const, data: browser }] : [])], [built, browser]);
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="space-y-8" data-testid="operations-at-scale">
      <div className="max-w-4xl space-y-3">
        <h2 id={headingId} className="text-2xl font-bold">
          Operations at scale, measured
        </h2>
        <p>
          The articles say the outbox needs a <code>(published, created_at)</code> index &ldquo;on any table that will hold more than a few hundred rows&rdquo; and periodic
          housekeeping. Here it is measured rather than said: real SQL on a real Postgres (PGlite, PostgreSQL {built.postgres.version} compiled to WebAssembly). These are
          wall-clock times, not simulated ones; they depend on the machine, so every chart and table says where it was measured.
        </p>
      </div>
      <MeasureInBrowser state={state} start={start} cancel={cancel} builtMs={built.elapsedMs} />
      <div className="space-y-3">
        <h3 className={SUBHEADING}>The relay&apos;s poll as the outbox grows</h3>
        <PollFigures measured={measured} />
      </div>
      <div className="space-y-3">
        <h3 className={SUBHEADING}>Housekeeping: DELETE, or drop a partition</h3>
        <HousekeepingFigures measured={measured} />
      </div>
      <div className="space-y-3">
        <h3 className={SUBHEADING}>The WAL an idle replication slot retains</h3>
        <SlotFigures measured={measured} />
      </div>
    </section>
  );
}
