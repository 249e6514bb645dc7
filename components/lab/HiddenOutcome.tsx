import { BUTTON } from './buttonStyles';
import { Panel } from './Panel';

/**
 * Stands in for the outcome while a figure opened with `outcome=hidden` waits for its reveal, so a
 * room can commit to a prediction first. The presenter reveals it from the workshop page (the
 * `reveal` command); a reader alone reveals it here.
 */
export function HiddenOutcome({ onReveal }: { onReveal: () => void }) {
  return (
    <Panel title="Outcome" testId="outcome-hidden">
      <p className="text-muted">Held back until it is revealed. Predict first: when the run ends, will every system agree on each order, with nothing lost, nothing twice and nothing stale?</p>
      <button type="button" className={`${BUTTON} mt-3`} onClick={onReveal} data-testid="reveal-outcome">
        Reveal the outcome
      </button>
    </Panel>
  );
}
