'use client';

/** The requirement checkboxes and latency budget; the tables highlight the rows that meet them all. */
import { FIELD, BUTTON } from '../lab/buttonStyles';
import { isChoosing, LATENCY_BUDGETS_MS, REQUIREMENT_IDS, REQUIREMENTS, type RequirementChoice, type RequirementId } from './requirements';

export function RequirementPicker({
  choice,
  onChange,
  meeting,
  total,
}: {
  choice: RequirementChoice;
  onChange: (next: RequirementChoice) => void;
  meeting: number;
  total: number;
}) {
  function toggle(id: RequirementId, on: boolean) {
    const ticked = new Set(choice.ticked);
    if (on) ticked.add(id);
    else ticked.delete(id);
    onChange({ ...choice, ticked });
  }

  return (
    <fieldset className="rounded-lg border border-line bg-surface p-4" data-testid="requirement-picker">
      <legend className="px-1 text-lg font-semibold xl:text-base">Choose by requirement</legend>
      <p className="text-sm text-muted">Tick what you need: the rows that meet all of it are highlighted, the others dimmed.</p>
      {/* The count comes first, so it stays in view however far the list is scrolled. */}
      <div className="mt-3 flex min-h-10 flex-wrap items-center justify-between gap-2">
        <p aria-live="polite" data-testid="requirement-count" className="font-semibold">
          {isChoosing(choice) ? `${meeting} of ${total} meet them` : `Nothing ticked: all ${total} shown alike`}
        </p>
        {isChoosing(choice) && (
          <button type="button" className={BUTTON} onClick={() => onChange({ ticked: new Set(), latencyBudgetMs: null })}>
            Clear
          </button>
        )}
      </div>
      <ul className="mt-3 space-y-2.5">
        {REQUIREMENT_IDS.map((id) => (
          <li key={id}>
            <label className="flex cursor-pointer items-start gap-2.5">
              <input
                type="checkbox"
                className="mt-1 size-4 shrink-0 accent-accent"
                checked={choice.ticked.has(id)}
                onChange={(event) => toggle(id, event.target.checked)}
                aria-describedby={`requirement-${id}-detail`}
              />
              <span>
                <span className="font-medium">{REQUIREMENTS[id].label}</span>
                <span id={`requirement-${id}-detail`} className="block text-sm text-muted">
                  {REQUIREMENTS[id].detail}
                </span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      <label className="mt-3 block">
        <span className="font-medium">Latency budget</span>
        <span id="latency-budget-detail" className="block text-sm text-muted">
          Slowest commit-to-effect in the measured run, simulated ms.
        </span>
        <select
          className={`${FIELD} mt-1 w-full`}
          value={choice.latencyBudgetMs ?? ''}
          aria-describedby="latency-budget-detail"
          onChange={(event) => onChange({ ...choice, latencyBudgetMs: event.target.value === '' ? null : Number(event.target.value) })}
        >
          <option value="">No budget</option>
          {LATENCY_BUDGETS_MS.map((ms) => (
            <option key={ms} value={ms}>
              Within {ms} ms
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
