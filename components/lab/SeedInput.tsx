'use client';

import { useEffect, useId, useState } from 'react';
import { MAX_SEED, parseDecimal } from '../../machines/kernel/scenario';
import { BUTTON, FIELD } from './buttonStyles';

// The same rule as a link's ?seed= and the command line's --seed: decimal digits only, so "0x10"
// or "1e3" is refused rather than read as 16 or 1000. Spaces around a typed value are forgiven.
const parseSeed = (text: string): number | null => parseDecimal(text.trim(), MAX_SEED);

/** The seed drives every random choice of the run; a new one gives another, equally reproducible run. */
export function SeedInput({ seed, onSeed }: { seed: number; onSeed: (seed: number) => void }) {
  const [text, setText] = useState(String(seed));
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  useEffect(() => {
    setText(String(seed));
    setError(null);
  }, [seed]);

  function commit() {
    const value = parseSeed(text);
    if (value === null) {
      setError(`A whole number from 0 to ${MAX_SEED}, in decimal digits`);
      return;
    }
    setError(null);
    if (value !== seed) onSeed(value);
  }

  return (
    <div className="flex flex-col">
      <div className="flex items-center gap-1.5">
        <label className="flex items-center gap-1.5 text-sm">
          <span className="text-muted">Seed</span>
          <input
            data-testid="seed-input"
            inputMode="numeric"
            className={`${FIELD} w-28 font-mono ${error ? 'border-bad' : ''}`}
            value={text}
            aria-invalid={error !== null}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => setText(event.target.value)}
            onBlur={commit}
            onKeyDown={(event) => {
              if (event.key === 'Enter') commit();
              if (event.key === 'Escape') {
                setText(String(seed));
                setError(null);
              }
            }}
          />
        </label>
        <button
          type="button"
          data-testid="new-seed"
          className={BUTTON}
          aria-label="New random seed"
          title="New random seed"
          onClick={() => onSeed(Math.floor(Math.random() * 1_000_000))}
        >
          <span aria-hidden="true">⚄</span>
        </button>
      </div>
      {error && (
        <p id={errorId} role="alert" className="mt-1 text-sm text-bad">
          {error}
        </p>
      )}
    </div>
  );
}
