'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { compareRowAnchor } from '../../machines/compare/anchors';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { MAX_FAULTS, MAX_ORDERS, scenarioToQuery } from '../../machines/kernel/scenario';
import type { ArmedFault, Scenario } from '../../machines/kernel/types';
import { findPattern } from '../../machines/patterns/catalog';
import { Controls } from './Controls';
import { LoadingPanel } from './LoadingPanel';
import { HiddenOutcome } from './HiddenOutcome';
import { Narration } from './Narration';
import { OutcomePanel } from './OutcomePanel';
import { Panel } from './Panel';
import { SequenceDiagram } from './SequenceDiagram';
import { TablesPanel } from './TablesPanel';
import { TopicPanel } from './TopicPanel';
import { UrlProblems } from './UrlProblems';
import { useKeyboardShortcuts } from './useKeyboardShortcuts';
import { useLabWorker } from './useLabWorker';
import { usePlayback } from './usePlayback';
import { useEmbedBridge } from './useEmbedBridge';
import { useScenarioUrl } from './useScenarioUrl';
import { Transport } from './Transport';
import { ShareMenu } from '../embed/ShareMenu';
import { useEmbedOptions } from '../embed/useEmbedOptions';
import type { EmbedPanel } from '../../machines/embed/options';

// React Flow is the heaviest view and not needed to start reading; it loads after the rest.
const FlowView = dynamic(() => import('./FlowView').then((m) => m.FlowView), {
  ssr: false,
  loading: () => <div className="h-[440px] animate-pulse rounded-md bg-surface-2" aria-label="Loading the flow view" />,
});

const sameFault = (a: ArmedFault, b: ArmedFault) => a.kind === b.kind && a.at === b.at;
/** What "Copy embed code" offers from the lab page: the compact figure, following the host's theme. */
const COMPACT_FIGURE = { panels: new Set<EmbedPanel>(), theme: 'auto' as const };

/**
 * The lab page: reads the scenario from the URL, asks the worker to run it, and hands slices of
 * the result to each view. Every control ends in a URL change; nothing here judges the run.
 */
export function LabShell({ patternId, embedded = false }: { patternId: string; embedded?: boolean }) {
  const pattern = findPattern(patternId);
  if (!pattern) throw new Error(`Unknown pattern "${patternId}"`);
  const variantIds = useMemo(() => pattern.variants.map((v) => v.id), [pattern]);
  const { scenario, step: urlStep, setStep, setScenario, problems, dismissProblems } = useScenarioUrl(pattern.id, variantIds);
  // A link to a later step waits for the whole run; one to the start is playable from the first step.
  const { boot, run, scenarioKey, retry } = useLabWorker(scenario, urlStep <= 1);
  const [helpOpen, setHelpOpen] = useState(false);
  // A figure shows diagram, narration, transport and outcome; `panels=` adds the rest. The lab page shows all.
  const options = useEmbedOptions(embedded);
  const shows = (panel: EmbedPanel) => options.panels.has(panel);
  const [optionProblems, setOptionProblems] = useState(options.problems);
  // `outcome=hidden`: predict first, then reveal (a presenter's `reveal` command, or the button).
  const [outcomeShown, setOutcomeShown] = useState(options.outcome === 'shown');
  // `size=large`, a projector: the workshop page's bar names the pattern, so the header gives its room to the run.
  const large = options.size === 'large';

  const result = run.result;
  const total = result?.steps.length ?? 0;
  const step = result ? Math.min(urlStep, total) : urlStep;
  const fresh = result !== null && run.resultKey === scenarioKey;
  // A preview (the first step, while the rest is computed) is fresh but not complete: no verdict, no end.
  const complete = fresh && run.complete;

  // A link may name a step past the end of this run (or a fault shortened it): settle on the last one.
  useEffect(() => {
    if (complete && urlStep > total) setStep(total);
  }, [complete, urlStep, total, setStep]);

  const goTo = useCallback((n: number) => setStep(Math.max(0, Math.min(n, total))), [setStep, total]);
  // Relative moves read the step at the moment of the call, so fast repeated keys all count.
  const stepBy = useCallback(
    (delta: number) => setStep((current) => Math.max(0, Math.min(Math.min(current, total) + delta, total))),
    [setStep, total],
  );
  const { playing, setPlaying, speed, setSpeed, togglePlay } = usePlayback(step, total, goTo, fresh && !complete);

  const update = useCallback((next: Partial<Scenario>) => setScenario({ ...scenario, ...next }, step), [scenario, setScenario, step]);

  const atEnd = result !== null && complete && step >= total;
  const anomalies = useMemo(
    () => (atEnd && result ? [...new Set(result.outcome.anomalies.map((a) => a.id))] : null),
    [atEnd, result],
  );
  useEmbedBridge({
    enabled: embedded,
    pattern: pattern.id,
    step,
    total,
    anomalies,
    outcome: outcomeShown ? 'shown' : 'hidden',
    playing,
    ready: complete,
    onCommand: (command) => {
      if (command.command === 'reveal') setOutcomeShown(true);
      else if (command.command === 'play') setPlaying(true);
      else if (command.command === 'pause') setPlaying(false);
      else {
        setPlaying(false);
        if (command.command === 'step-forward') stepBy(1);
        else if (command.command === 'step-back') stepBy(-1);
        else if (command.command === 'reset') goTo(0);
        else goTo(command.step);
      }
    },
  });

  useKeyboardShortcuts({
    forward: () => {
      setPlaying(false);
      stepBy(1);
    },
    back: () => {
      setPlaying(false);
      stepBy(-1);
    },
    togglePlay: () => {
      if (result) togglePlay();
    },
    reset: () => {
      setPlaying(false);
      goTo(0);
    },
    toggleHelp: () => setHelpOpen((open) => !open),
    closeHelp: () => setHelpOpen(false),
  });

  const snapshots = result?.snapshots ?? [];
  const snapshot = snapshots[step];
  const previous = step > 0 ? snapshots[step - 1] : undefined;
  const stepRecord = step > 0 ? result?.steps[step - 1] : undefined;
  const variant = pattern.variants.find((v) => v.id === scenario.variant);

  const arm = (fault: ArmedFault) => {
    if (scenario.faults.some((f) => sameFault(f, fault))) return;
    update({ faults: [...scenario.faults, fault] });
  };
  // The transport's props, the same in the full controls and in a compact figure's bar.
  const transport = {
    step,
    total,
    more: fresh && !complete,
    playing,
    speed,
    onStep: (n: number) => {
      setPlaying(false);
      goTo(n);
    },
    onTogglePlay: togglePlay,
    onSpeed: setSpeed,
    onReset: () => {
      setPlaying(false);
      goTo(0);
    },
  };
  const disarm = (fault: ArmedFault) => update({ faults: scenario.faults.filter((f) => !sameFault(f, fault)) });

  return (
    <div
      className="mx-auto max-w-[1600px] space-y-3 px-3 py-4 sm:px-4"
      data-testid="lab"
      data-ready={complete && !run.running ? 'true' : 'false'}
      data-embedded={embedded ? 'true' : undefined}
      // For tests and the bench: how many Postgres boots this page's worker made, which one it is,
      // and how long its boot took (in the worker, from its first message to Postgres ready).
      data-boots={boot.status === 'ready' ? boot.boots : undefined}
      data-boot-ms={boot.status === 'ready' ? boot.bootMs : undefined}
      data-db-instance={boot.status === 'ready' ? boot.instance : undefined}
      data-shared-worker={boot.status === 'ready' ? String(boot.shared) : undefined}
    >
      {/* In a figure the Share menu stays beside the title: a row of its own would cost a docs column height. */}
      <header className={large ? 'sr-only' : embedded ? 'flex items-start justify-between gap-3' : 'flex flex-wrap items-baseline justify-between gap-x-6 gap-y-1'}>
        <div className="min-w-0">
          {embedded ? (
            <p className="text-sm text-muted">
              <a href={`/patterns/${pattern.id}/?${new URLSearchParams(scenarioToQuery(scenario, step))}`} target="_blank" rel="noopener" className="underline">
                Open in Dual Write Lab<span aria-hidden="true"> ↗</span>
              </a>
            </p>
          ) : (
            <p className="text-sm text-muted">
              <Link href="/" className="underline">
                All patterns
              </Link>{' '}
              / <code className="font-mono">{pattern.id}</code> ·{' '}
              <Link href={`/compare/#${compareRowAnchor(pattern.id, scenario.variant)}`} className="underline" data-testid="compare-row-link">
                Compare with the others
              </Link>
            </p>
          )}
          <h1 className={`${embedded ? 'text-xl' : 'text-2xl'} font-bold tracking-tight`}>{pattern.title}</h1>
          {/* In a docs column the host's own caption says the rest: two lines, the whole text for a screen reader. */}
          <p className={embedded ? 'line-clamp-2 text-muted' : 'text-muted'}>
            {pattern.promise}
            {variant && pattern.variants.length > 1 ? ` Variant: ${variant.summary}` : ''}
          </p>
        </div>
        <div className="flex items-center gap-3">
          <RunStatus running={run.running} fresh={fresh} complete={complete} elapsedMs={run.elapsedMs} ready={boot.status === 'ready'} />
          <ShareMenu result={complete ? result : null} scenario={scenario} step={step} title={pattern.title} options={embedded ? options : COMPACT_FIGURE} />
        </div>
      </header>

      <UrlProblems
        problems={[...problems, ...optionProblems]}
        onDismiss={() => {
          dismissProblems();
          setOptionProblems([]);
        }}
      />

      {run.error && (
        <div role="alert" data-testid="run-error" className="rounded-lg border-2 border-bad bg-surface p-3">
          <p className="font-semibold text-bad">
            <span aria-hidden="true">✖ </span>This scenario could not run: {run.error}
          </p>
          {scenario.faults.length > 0 && (
            <button
              type="button"
              className="mt-2 rounded-md border border-line px-3 py-1 hover:bg-surface-2"
              onClick={() => update({ faults: scenario.faults.slice(0, -1) })}
            >
              Remove the last armed fault
            </button>
          )}
        </div>
      )}

      {!result ? (
        boot.status === 'ready' && run.error ? null : <LoadingPanel boot={boot} onRetry={retry} />
      ) : (
        <>
          {shows('controls') ? (
            <Controls
              {...transport}
              onAddOrder={() => update({ orders: [...scenario.orders, snapshot?.t ?? 0].sort((a, b) => a - b) })}
              canAddOrder={scenario.orders.length < MAX_ORDERS}
              orderCount={scenario.orders.length}
              ordersAdjustable={!pattern.scriptedRequests}
              seed={scenario.seed}
              onSeed={(seed) => update({ seed })}
              hasConsumer={pattern.hasConsumer}
              switchLabel={pattern.idempotencySwitch?.label}
              idempotent={scenario.idempotentConsumer}
              onIdempotent={(on) => update({ idempotentConsumer: on })}
              variants={pattern.variants}
              variant={scenario.variant}
              onVariant={(v) => update({ variant: v })}
              faults={scenario.faults}
              steps={result.steps}
              stepsStale={!fresh}
              onRemoveFault={disarm}
              helpOpen={helpOpen}
              onHelp={setHelpOpen}
            />
          ) : large ? null : (
            // A projector's figure is stepped from the presenter's bar and keys; its height goes to the diagram.
            <div className="rounded-lg border border-line bg-surface p-3" data-testid="controls-compact">
              <Transport {...transport} />
            </div>
          )}
          <Narration step={step} total={total} more={fresh && !complete} t={snapshot?.t ?? stepRecord?.t ?? 0} record={stepRecord} />
          <div className={`grid gap-3 ${large ? 'md:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]' : 'xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]'} ${fresh ? '' : 'opacity-70'}`}>
            <Panel title="Sequence diagram" className="xl:self-start" titleHidden={large}>
              <SequenceDiagram
                result={result}
                sites={run.sites}
                step={step}
                snapshot={snapshot}
                armed={scenario.faults}
                canArmMore={scenario.faults.length < MAX_FAULTS}
                onArm={arm}
                onDisarm={disarm}
                onGoToStep={(n) => {
                  setPlaying(false);
                  goTo(n);
                }}
              />
            </Panel>
            <div className="min-w-0 space-y-3">
              {outcomeShown ? (
                <OutcomePanel outcome={result.outcome} atEnd={complete && step >= total} remaining={complete ? total - step : null} pattern={pattern} scenario={result.scenario} foldEvidence={embedded} />
              ) : (
                <HiddenOutcome onReveal={() => setOutcomeShown(true)} />
              )}
              {shows('flow') && (
                <Panel title="Flow">
                  <FlowView participants={result.participants} trace={result.trace} step={step} snapshot={snapshot} />
                </Panel>
              )}
              {shows('tables') && (
                <TablesPanel
                  title="Postgres tables"
                  testId="tables-panel"
                  tables={snapshot?.tables}
                  previousTables={previous?.tables}
                  empty="No tables in this run."
                />
              )}
              {shows('tables') && snapshot?.inspections && snapshot.inspections.length > 0 ? (
                <TablesPanel
                  title="Inside the machinery"
                  testId="inspections-panel"
                  tables={snapshot.inspections}
                  previousTables={previous?.inspections}
                  empty=""
                />
              ) : null}
              {/* Event-store and cache patterns have no broker: their logs show among the views above. */}
              {shows('topics') && result.participants.some((p) => p.kind === 'broker') ? <TopicPanel snapshot={snapshot} /> : null}
            </div>
          </div>
        </>
      )}
    </div>
  );
}

/**
 * Says when a re-run is under way. How long the last run took is for developers and the bench,
 * not readers: it is kept in `data-run-ms`, never shown.
 */
function RunStatus({ running, fresh, complete, elapsedMs, ready }: { running: boolean; fresh: boolean; complete: boolean; elapsedMs: number | null; ready: boolean }) {
  if (!ready) return null;
  if (fresh && !complete) {
    // The first step is on screen; the rest of the run is still being computed.
    return (
      <p className="text-sm text-muted" aria-live="polite" data-testid="run-status">
        Computing the rest of the run…
      </p>
    );
  }
  return (
    <p className="text-sm text-muted empty:hidden" aria-live="polite" data-testid="run-status" data-run-ms={elapsedMs ?? undefined}>
      {running || !fresh ? (
        <span className="font-semibold text-fg">
          <span aria-hidden="true" className="inline-block animate-spin">
            ◌
          </span>{' '}
          Re-running the scenario…
        </span>
      ) : null}
    </p>
  );
}
