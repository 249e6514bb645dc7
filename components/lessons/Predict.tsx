'use client';

/**
 * A question asked before a run: the reader picks a choice, checks it, and only then sees the
 * figure below and the explanation. A native radio group and button, so keys work as usual; the
 * reveal is announced through a live region.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useGate } from './PredictionGates';

interface PredictProps {
  question: string;
  choices: string[];
  /** 0-based index of the right choice. */
  answer: number;
  /** Links this question to the figure after it (set at render by the lesson pipeline). */
  gate?: string;
  children?: ReactNode;
}

export function Predict({ question, choices, answer, gate, children }: PredictProps) {
  const id = useId();
  const [choice, setChoice] = useState<number | null>(null);
  const [checked, setChecked] = useState<number | null>(null);
  const [skipped, setSkipped] = useState(false);
  const { reveal } = useGate(gate);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (choice === null) return;
    setChecked(choice);
    reveal();
  };
  const skip = () => {
    setSkipped(true);
    reveal();
  };
  const right = checked === answer;
  const answered = checked !== null || skipped;

  return (
    <section aria-labelledby={`${id}-q`} className="my-6 rounded-lg border border-line bg-surface p-4" data-testid="predict">
      <form onSubmit={submit}>
        <fieldset disabled={answered}>
          <legend id={`${id}-q`} className="mb-1 font-semibold">
            <span className="mr-2 text-sm font-normal uppercase tracking-wide text-muted">Predict</span>
            {question}
          </legend>
          <div className="mt-2 space-y-1">
            {choices.map((text, i) => (
              <label key={text} className="flex cursor-pointer items-start gap-2 rounded px-2 py-1 hover:bg-surface-2">
                <input type="radio" name={`${id}-choice`} value={i} checked={choice === i} onChange={() => setChoice(i)} className="mt-1" />
                <span>{text}</span>
              </label>
            ))}
          </div>
          {!answered && (
            <div className="mt-3 flex flex-wrap items-center gap-4">
              <button type="submit" disabled={choice === null} className="rounded bg-accent px-3 py-1.5 font-medium text-accent-fg disabled:opacity-50">
                Check my answer
              </button>
              <button type="button" onClick={skip} className="text-sm text-accent underline">
                Skip and show the run
              </button>
            </div>
          )}
        </fieldset>
      </form>
      <div aria-live="polite" data-testid="predict-reveal">
        {answered && (
          <div className="mt-3 border-t border-line pt-3">
            <p className={`font-semibold ${skipped ? '' : right ? 'text-ok' : 'text-bad'}`}>
              {skipped ? `Skipped. The answer is “${choices[answer]}”.` : right ? '✓ Right.' : `✗ Not quite: the answer is “${choices[answer]}”.`}
            </p>
            <div className="mt-1 space-y-2">{children}</div>
            <p className="mt-2 text-sm text-muted">Now play the run below and watch it happen.</p>
          </div>
        )}
      </div>
    </section>
  );
}
