'use client';

import type { RunResult } from '../../../machines/kernel/types';
import { FAULT_DESCRIPTIONS } from '../../../machines/kernel/vocabulary';
import { FaultMenu, FaultOptions } from '../FaultMenu';
import type { VisibleArea } from './useDiagramMenu';
import { faultKindsAt, type FaultArming } from './faultSites';

/**
 * The menu an arrow opens: what its step did, and either the faults that can be armed there (an
 * upcoming step) or how to get back before it (a step that already happened).
 */
export function ArrowMenu({
  seq,
  x,
  y,
  visible,
  maxWidth,
  result,
  currentStep,
  sites,
  armed,
  canArmMore,
  onArm,
  onDisarm,
  onGoToStep,
  onClose,
}: FaultArming & {
  seq: number;
  x: number;
  y: number;
  visible: VisibleArea;
  maxWidth: number;
  result: RunResult;
  currentStep: number;
  onGoToStep: (step: number) => void;
  onClose: () => void;
}) {
  const entry = result.trace.find((e) => e.seq === seq);
  const stepRecord = entry ? result.steps.find((s) => s.index === entry.step) : undefined;
  if (!entry || !stepRecord) return null;
  const upcoming = entry.step > currentStep;
  const participantLabel = (id: string) => result.participants.find((p) => p.id === id)?.label ?? id;
  return (
    <FaultMenu
      x={x}
      y={y}
      visible={visible}
      maxWidth={maxWidth}
      label={`Step ${stepRecord.index} · ${stepRecord.t} simulated ms`}
      onClose={onClose}
    >
      <p className="mb-1">{stepRecord.caption}</p>
      <p className="mb-2 text-muted">
        {participantLabel(entry.from)}
        {entry.from !== entry.to ? ` → ${participantLabel(entry.to)}` : ''}: {entry.label}{' '}
        <code className="font-mono text-xs">{stepRecord.point}</code>
      </p>
      {entry.fault && (
        <p className="mb-2 font-semibold text-bad">⚡ Fault struck here: {FAULT_DESCRIPTIONS[entry.fault.kind].label}</p>
      )}
      {upcoming ? (
        <>
          <p className="mb-1.5 font-semibold">Arm a fault at this step</p>
          <FaultOptions
            point={stepRecord.point}
            kinds={faultKindsAt(stepRecord, sites)}
            armed={armed}
            onArm={onArm}
            onDisarm={onDisarm}
            canArmMore={canArmMore}
          />
        </>
      ) : (
        <p className="mb-2 text-muted">
          This step already happened. To break it, step back before it, then open its arrow again.
        </p>
      )}
      {entry.sql && (
        <details className="mt-2" open={!upcoming}>
          <summary className="cursor-pointer font-semibold">SQL ({entry.sql.length} statement{entry.sql.length === 1 ? '' : 's'})</summary>
          <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-words rounded bg-surface-2 p-2 font-mono text-xs">
            {entry.sql.join(';\n')}
          </pre>
        </details>
      )}
      <div className="mt-3 flex flex-wrap gap-2">
        {entry.step !== currentStep && (
          <button type="button" className="rounded-md border border-line px-3 py-1 hover:bg-surface-2" onClick={() => onGoToStep(entry.step)}>
            Go to step {entry.step}
          </button>
        )}
        {!upcoming && entry.step > 0 && (
          <button
            type="button"
            className="rounded-md border border-line px-3 py-1 hover:bg-surface-2"
            onClick={() => onGoToStep(entry.step - 1)}
          >
            Step back before it
          </button>
        )}
      </div>
    </FaultMenu>
  );
}
