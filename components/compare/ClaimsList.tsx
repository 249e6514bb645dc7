/**
 * What the articles claim, next to what the runs show: each claim's verdict is computed from the
 * runs it is about, and a claim that does not hold links to the run that refutes it.
 */
import type { CompareRow, JudgedClaim, RefutingRun } from '../../machines/compare/types';
import { ANOMALY_DESCRIPTIONS } from '../../machines/kernel/vocabulary';
import { TONE_CLASSES } from '../ui/anomaly-style';
import { labHref } from './lab-link';

export function ClaimsList({ claims, rows, seed }: { claims: readonly JudgedClaim[]; rows: readonly CompareRow[]; seed: number }) {
  const rowName = (pattern: string, variant: string) => {
    const row = rows.find((r) => r.pattern === pattern && r.variant === variant);
    return row ? `${row.title} · ${row.variantLabel}` : `${pattern} · ${variant}`;
  };
  return (
    <ul className="grid gap-4 lg:grid-cols-2" data-testid="claims">
      {claims.map((claim) => (
        <li key={claim.id} data-claim={claim.id} data-holds={claim.verdict.holds} className="flex flex-col gap-2 rounded-lg border border-line bg-surface p-4">
          <ClaimVerdict holds={claim.verdict.holds} />
          <blockquote className="text-lg font-medium leading-snug">“{claim.claim}”</blockquote>
          <p className="text-sm text-muted">— {claim.source}</p>
          {claim.note && <p className="text-sm">{claim.note}</p>}
          <p className="text-sm">
            <span className="text-muted">Checked on </span>
            {rowName(claim.pattern, claim.variant)}: {claim.scope}
            {claim.verdict.basis === 'runs' ? ` (${claim.verdict.checkedRuns} runs).` : '.'}
          </p>
          {claim.verdict.basis === 'measure' && (
            <div className={`mt-1 rounded-md border-2 p-3 text-sm ${claim.verdict.holds ? 'border-ok/60' : 'border-bad/60'}`}>
              <p>{claim.verdict.detail}</p>
              <a className="mt-2 inline-block font-semibold text-accent underline" href="#scale">
                See the figures{claim.verdict.where === 'node' ? ', measured when this site was built' : ''}
                <span className="sr-only">: {claim.claim}</span> <span aria-hidden="true">↓</span>
              </a>
            </div>
          )}
          {claim.verdict.basis === 'runs' && !claim.verdict.holds && <Refutation refutedBy={claim.verdict.refutedBy} claim={claim.claim} rowName={rowName} seed={seed} />}
        </li>
      ))}
    </ul>
  );
}

function Refutation({ refutedBy, claim, rowName, seed }: { refutedBy: RefutingRun; claim: string; rowName: (pattern: string, variant: string) => string; seed: number }) {
  return (
    <div className="mt-1 rounded-md border-2 border-bad/60 p-3 text-sm">
      <p className="font-semibold">
        Refuted by {refutedBy.anomaly ? ANOMALY_DESCRIPTIONS[refutedBy.anomaly].label.toLowerCase() : 'a run'} in {rowName(refutedBy.pattern, refutedBy.variant)}
        {refutedBy.idempotentConsumer ? ', idempotency on' : ''}
      </p>
      <p className="mt-1">{refutedBy.detail}</p>
      <a className="mt-2 inline-block font-semibold text-accent underline" href={labHref(refutedBy.pattern, seed, refutedBy, refutedBy.step)}>
        Open the refuting run in the lab<span className="sr-only">: {claim}</span> <span aria-hidden="true">→</span>
      </a>
    </div>
  );
}

function ClaimVerdict({ holds }: { holds: boolean }) {
  return (
    <p className={`inline-flex w-fit items-center gap-1.5 rounded-full border-2 px-2.5 py-0.5 font-bold ${TONE_CLASSES[holds ? 'ok' : 'bad']}`}>
      <span aria-hidden="true">{holds ? '✓' : '✗'}</span>
      {holds ? 'Holds' : 'Does not hold'}
    </p>
  );
}
