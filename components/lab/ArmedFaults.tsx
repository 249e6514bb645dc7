import type { ArmedFault, StepRecord } from '../../machines/kernel/types';
import { FAULT_DESCRIPTIONS } from '../../machines/kernel/vocabulary';
import { formatFault } from '../../machines/kernel/scenario';
import { whyNotStruck } from '../../machines/kernel/unstruck';

/**
 * The scenario's armed faults, each with where it sits in this run, why it did not strike when it
 * did not (from the whole run, worked out by the kernel), and a remove button.
 */
export function ArmedFaults({
  faults,
  steps,
  stale = false,
  onRemove,
  onGoToStep,
}: {
  faults: ArmedFault[];
  steps: StepRecord[];
  /** The steps are from the run before the last change: say nothing about why a fault missed. */
  stale?: boolean;
  onRemove: (fault: ArmedFault) => void;
  onGoToStep: (step: number) => void;
}) {
  if (faults.length === 0) {
    return (
      <p className="text-sm text-muted" data-testid="armed-faults">
        No faults armed. Click a faded arrow in the diagram to arm one.
      </p>
    );
  }
  return (
    <ul className="flex flex-wrap gap-2" data-testid="armed-faults" aria-label="Armed faults">
      {faults.map((fault) => {
        const at = steps.find((s) => s.point === fault.at);
        const struck = steps.find((s) => s.struck?.kind === fault.kind && s.struck.at === fault.at);
        // Judged only against the run these faults were armed in, never a stale one.
        const reason = struck || stale ? null : whyNotStruck(steps, fault, faults);
        const label = FAULT_DESCRIPTIONS[fault.kind].label;
        return (
          <li
            key={formatFault(fault)}
            data-testid={`armed-${formatFault(fault)}`}
            className={`flex flex-wrap items-center gap-1 border-2 py-0.5 pl-3 pr-1 text-sm ${reason ? 'rounded-2xl' : 'rounded-full'} ${struck ? 'border-bad' : 'border-warn'}`}
          >
            <span aria-hidden="true" className={struck ? 'text-bad' : 'text-warn'}>
              {struck ? '⚡' : '⚑'}
            </span>
            <span className="font-semibold">{label}</span>
            <code className="font-mono text-xs text-muted">{fault.at}</code>
            {at ? (
              <button type="button" className="rounded px-1.5 text-xs underline hover:bg-surface-2" onClick={() => onGoToStep(at.index)}>
                {struck ? 'struck at' : 'at'} step {at.index}
              </button>
            ) : (
              <span className="px-1 text-xs text-muted">not reached in this run</span>
            )}
            <button
              type="button"
              onClick={() => onRemove(fault)}
              className="rounded-full px-2 py-0.5 text-base leading-none hover:bg-surface-2"
              aria-label={`Remove fault: ${label} at ${fault.at}`}
            >
              ×
            </button>
            {reason && (
              <span className="basis-full pb-1 pr-2 text-xs text-muted" data-testid={`unstruck-${formatFault(fault)}`}>
                Did not strike: {reason.text}.
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
