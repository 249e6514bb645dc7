import type { PatternInfo } from '../../machines/kernel/pattern-info';
import type { Outcome, Scenario } from '../../machines/kernel/types';
import { suggestionHref, suggestNext } from '../../machines/suggestions/suggest';
import { ANOMALY_DESCRIPTIONS } from '../../machines/kernel/vocabulary';
import { ANOMALY_STYLE, TONE_CLASSES } from '../ui/anomaly-style';
import { Panel } from './Panel';

/**
 * What the checker found once the run quiesced. The page never judges the run itself: it shows
 * `outcome` as it came from the worker, and only once the reader has played to the end.
 */
export function OutcomePanel({
  outcome,
  atEnd,
  remaining,
  pattern,
  scenario,
  foldEvidence = false,
}: {
  outcome: Outcome;
  atEnd: boolean;
  /** Steps left to play; null while the rest of the run is still being computed. */
  remaining: number | null;
  /** With the scenario that ran, lets the panel suggest what to try next. */
  pattern?: PatternInfo;
  scenario?: Scenario;
  /** A figure in a docs column: each anomaly's evidence behind a disclosure and one suggestion, so the outcome stays short. */
  foldEvidence?: boolean;
}) {
  if (!atEnd) {
    return (
      <Panel title="Outcome" testId="outcome-panel">
        <p className="text-muted" data-testid="outcome-pending">
          {remaining === null
            ? 'Play to the end to see the outcome.'
            : `Play to the end to see the outcome: ${remaining} step${remaining === 1 ? '' : 's'} to go.`}
        </p>
      </Panel>
    );
  }
  return (
    <Panel title="Outcome" testId="outcome-panel">
      {!outcome.settled && (
        <div data-testid="outcome-unsettled" className="mb-2 rounded-md border-2 border-dashed border-warn p-2">
          <p className="text-warn">
            <span aria-hidden="true">↻ </span>
            <strong>{outcome.unsettled?.livelock ? 'Did not settle: a livelock.' : 'Did not settle.'}</strong> No clean verdict for this run.
          </p>
          {outcome.unsettled && <p className="mt-1 text-fg">{outcome.unsettled.why}</p>}
        </div>
      )}
      {outcome.consistent ? (
        <div data-testid="outcome-consistent" className={`flex items-center gap-3 rounded-md border-2 p-3 ${TONE_CLASSES.ok}`}>
          <span aria-hidden="true" className="text-3xl font-bold">
            ✓
          </span>
          <div>
            <p className="text-xl font-bold">Consistent</p>
            <p className="text-fg">{outcome.summary}</p>
          </div>
        </div>
      ) : (
        <>
          {outcome.settled ? (
            <p className="mb-3 font-semibold">{outcome.summary}</p>
          ) : outcome.anomalies.length > 0 ? (
            <p className="mb-3 font-semibold">Found so far:</p>
          ) : (
            <p className="mb-3 text-muted">No anomaly so far, but without settling that is no verdict.</p>
          )}
          <ul className="space-y-3">
            {outcome.anomalies.map((anomaly, i) => {
              const style = ANOMALY_STYLE[anomaly.id];
              return (
                <li
                  key={`${anomaly.id}-${anomaly.subject}-${i}`}
                  data-testid={`anomaly-${anomaly.id}`}
                  className={`rounded-md border-2 border-l-8 p-3 ${TONE_CLASSES[style.tone]}`}
                >
                  <p className="flex flex-wrap items-center gap-x-2 text-lg font-bold">
                    <span aria-hidden="true" className="font-mono">
                      {style.glyph}
                    </span>
                    {ANOMALY_DESCRIPTIONS[anomaly.id].label}
                    <span className="font-normal text-fg">· {anomaly.subject}</span>
                  </p>
                  <p className="mt-1 text-fg">{anomaly.why}</p>
                  {anomaly.evidence.length > 0 &&
                    (foldEvidence ? (
                      <details className="mt-2" data-testid="evidence-folded">
                        <summary className="cursor-pointer text-sm font-semibold">Evidence ({anomaly.evidence.length})</summary>
                        <EvidenceList evidence={anomaly.evidence} />
                      </details>
                    ) : (
                      <EvidenceList evidence={anomaly.evidence} />
                    ))}
                </li>
              );
            })}
          </ul>
        </>
      )}
      {pattern && scenario && <TryNext pattern={pattern} scenario={scenario} outcome={outcome} limit={foldEvidence ? 1 : undefined} />}
    </Panel>
  );
}

/** The next runs worth trying, each a plain lab link (machines/suggestions/suggest.ts decides). */
function TryNext({ pattern, scenario, outcome, limit }: { pattern: PatternInfo; scenario: Scenario; outcome: Outcome; limit?: number }) {
  const suggestions = suggestNext(pattern, scenario, outcome).slice(0, limit);
  if (suggestions.length === 0) return null;
  return (
    <div className="mt-3 border-t border-line pt-3" data-testid="try-next">
      <h3 className="text-sm font-semibold uppercase tracking-wide text-muted">Try next</h3>
      <ul className="mt-1 space-y-2">
        {suggestions.map((suggestion) => (
          <li key={`${suggestion.kind}-${suggestion.scenario.variant}`} data-testid={`try-next-${suggestion.kind}`}>
            <a href={suggestionHref(suggestion)} className="font-semibold text-accent underline">
              {suggestion.action}
            </a>
            <p className="text-sm text-muted">{suggestion.why}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}

function EvidenceList({ evidence }: { evidence: Outcome['anomalies'][number]['evidence'] }) {
  return (
    <dl className="mt-2 text-sm text-fg">
      {evidence.map((item, j) => (
        <div key={j} className="contents">
          <dt className="font-mono font-semibold">{item.ref}</dt>
          <dd className="mb-1 pl-3 text-muted">{item.detail}</dd>
        </div>
      ))}
    </dl>
  );
}
