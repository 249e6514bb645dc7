'use client';

/**
 * The runs behind one matrix cell, in a side sheet: each run's fault, where it struck, what it
 * showed and why, and a link that opens it in the lab at the step where the fault struck. A modal
 * <dialog>, so focus stays inside it, Escape closes it and focus goes back to the cell.
 */
import { useEffect, useRef } from 'react';
import { ANOMALY_DESCRIPTIONS, FAULT_DESCRIPTIONS } from '../../machines/kernel/vocabulary';
import { BUTTON } from '../lab/buttonStyles';
import { ANOMALY_STYLE, TONE_CLASSES } from '../ui/anomaly-style';
import { cellRuns, type CellRun, type CellTarget, type Setting } from './cell-runs';
import { labHref } from './lab-link';
import type { ExplorerRow } from './rows';
import { usePatternCases } from './usePatternCases';

export function RunsDialog({ target, rows, seed, onClose }: { target: CellTarget | null; rows: readonly ExplorerRow[]; seed: number; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (target && !element.open) {
      opener.current = document.activeElement;
      element.showModal();
      heading.current?.focus();
    } else if (!target && element.open) element.close();
  }, [target]);

  function handleClose() {
    onClose();
    if (opener.current instanceof HTMLElement && opener.current.isConnected) opener.current.focus();
    opener.current = null;
  }

  const row = target ? rows.find((r) => r.pattern === target.pattern && r.variant === target.variant) : undefined;
  return (
    <dialog
      ref={dialog}
      aria-labelledby="runs-heading"
      data-testid="runs-dialog"
      onClose={handleClose}
      // A click on the backdrop lands on the dialog itself; clicks inside land on its content.
      onClick={(event) => event.target === dialog.current && dialog.current.close()}
      className="fixed inset-y-0 left-auto right-0 m-0 h-dvh max-h-none w-full max-w-2xl overflow-y-auto border-l border-line bg-bg p-0 text-fg shadow-2xl backdrop:bg-black/50"
    >
      {target && row && (
        <div className="min-h-full p-4 sm:p-6">
          <div className="flex items-start justify-between gap-3">
            <h2 id="runs-heading" ref={heading} tabIndex={-1} className="text-xl font-bold leading-snug">
              <CellTitle column={target.column} />
              <span className="block text-base font-semibold text-muted">
                {row.title} · {row.variantLabel}
              </span>
            </h2>
            <button type="button" className={BUTTON} onClick={() => dialog.current?.close()}>
              <span aria-hidden="true">✕</span> Close
            </button>
          </div>
          <CellSummary row={row} target={target} />
          <RunList target={target} seed={seed} />
        </div>
      )}
    </dialog>
  );
}

function CellTitle({ column }: { column: CellTarget['column'] }) {
  if (column === 'unsettled')
    return (
      <span className="block text-warn">
        <span aria-hidden="true">↻ </span>Runs that did not settle
      </span>
    );
  return (
    <span className={`block ${TONE_CLASSES[ANOMALY_STYLE[column].tone]}`}>
      <span aria-hidden="true" className="font-mono">
        {ANOMALY_STYLE[column].glyph}{' '}
      </span>
      {ANOMALY_DESCRIPTIONS[column].label}
    </span>
  );
}

function CellSummary({ row, target }: { row: ExplorerRow; target: CellTarget }) {
  const counts = target.column === 'unsettled' ? row.unsettled : row.anomalies[target.column];
  const what = target.column === 'unsettled' ? 'did not settle (their anomalies are no verdict)' : `showed ${ANOMALY_DESCRIPTIONS[target.column].label.toLowerCase()}`;
  return (
    <p className="mt-3">
      Of {row.runs} single-fault runs, <strong>{counts.off}</strong> {what} with the consumer&apos;s idempotency switch off and <strong>{counts.on}</strong> with it on. Each link
      opens the run in the lab at the step where its fault struck; play on to the end to see the outcome.
    </p>
  );
}

function RunList({ target, seed }: { target: CellTarget; seed: number }) {
  const state = usePatternCases(target.pattern);
  if (state.status === 'loading') return <p className="mt-4 text-muted" role="status">Loading the runs…</p>;
  if (state.status === 'error')
    return (
      <p className="mt-4 text-bad" role="alert">
        Could not load the runs: {state.message}.
      </p>
    );
  const runs = cellRuns(state.cases.variants[target.variant] ?? [], target.column);
  return (
    <ol className="mt-4 space-y-3" data-testid="cell-runs" aria-label={`${runs.length} run${runs.length === 1 ? '' : 's'}`}>
      {runs.map((run) => (
        <RunItem key={run.case.fault + run.case.orders.join(',')} run={run} target={target} seed={seed} />
      ))}
    </ol>
  );
}

function RunItem({ run, target, seed }: { run: CellRun; target: CellTarget; seed: number }) {
  const c = run.case;
  const point = c.fault.slice(c.fault.indexOf('@') + 1);
  const hrefFor = (setting: Setting) => labHref(target.pattern, seed, { variant: target.variant, orders: c.orders, faults: [c.fault], idempotentConsumer: setting === 'on' }, c.struckStep);
  const verb = target.column === 'unsettled' ? 'Did not settle' : 'Showed it';
  return (
    <li className="rounded-lg border border-line bg-surface p-3" data-testid="cell-run">
      <p className="font-semibold">
        {FAULT_DESCRIPTIONS[c.kind].label} <span className="font-mono text-sm font-normal">at {point}</span>
      </p>
      <p className="mt-1 text-sm text-muted">
        Orders at {c.orders.join(' and ')} ms
        {c.struckStep !== null && (
          <>
            {' '}
            · struck at step {c.struckStep}: <span className="text-fg">{c.struckCaption}</span>
          </>
        )}
      </p>
      {run.shown.map((shown) => (
        <p key={shown.subject + shown.why} className="mt-2">
          <strong>{shown.subject}</strong>: {shown.why}
        </p>
      ))}
      <div className="mt-2 flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted">
          {verb} with idempotency {run.settings.join(' and ')}.
        </span>
        {run.settings.map((setting) => (
          <a key={setting} href={hrefFor(setting)} className={`${BUTTON} text-sm`} data-testid={`run-link-${setting}`}>
            Open in the lab, idempotency {setting} <span aria-hidden="true">→</span>
          </a>
        ))}
      </div>
    </li>
  );
}
