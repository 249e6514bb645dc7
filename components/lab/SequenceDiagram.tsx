'use client';

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ArmedFault, FaultSite, Participant, RunResult, StepRecord, WorldSnapshot } from '../../machines/kernel/types';
import { FAULT_DESCRIPTIONS, type FaultKind } from '../../machines/kernel/vocabulary';
import { FaultMenu, FaultOptions } from './FaultMenu';
import { SequenceArrow, type ArrowState } from './SequenceArrow';
import { GUTTER, layoutSequence } from './sequence-layout';
import { usePrefersReducedMotion } from './usePrefersReducedMotion';

type MenuState =
  | { type: 'entry'; seq: number; x: number; y: number; visible: { top: number; bottom: number } }
  | { type: 'actor'; actor: string; x: number; y: number; visible: { top: number; bottom: number } }
  | null;

const HEADER_HEIGHT = 64;

export interface SequenceDiagramProps {
  result: RunResult;
  sites: FaultSite[];
  step: number;
  snapshot: WorldSnapshot | undefined;
  armed: ArmedFault[];
  canArmMore: boolean;
  onArm: (fault: ArmedFault) => void;
  onDisarm: (fault: ArmedFault) => void;
  onGoToStep: (step: number) => void;
}

function kindsAt(step: StepRecord, sites: FaultSite[]): FaultKind[] {
  if (step.faultKinds.length > 0) return step.faultKinds;
  return sites.find((s) => s.point === step.point)?.kinds ?? [];
}

/**
 * The run as a sequence diagram: lifelines, one arrow per trace entry. Past steps are solid and
 * upcoming ones ghosted; any arrow opens a menu (details for the past, faults for the future).
 */
export function SequenceDiagram({
  result,
  sites,
  step,
  snapshot,
  armed,
  canArmMore,
  onArm,
  onDisarm,
  onGoToStep,
}: SequenceDiagramProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const openerRef = useRef<HTMLElement | SVGElement | null>(null);
  const [availableWidth, setAvailableWidth] = useState(800);
  const [menu, setMenu] = useState<MenuState>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  // One Tab stop for the whole diagram; ↑/↓ move between arrows (a roving tabindex).
  const [focusSeq, setFocusSeq] = useState<number | null>(null);
  const reducedMotion = usePrefersReducedMotion();

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setAvailableWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setAvailableWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const { participants, steps, trace } = result;
  const layout = useMemo(
    () => layoutSequence(participants, steps, trace, availableWidth),
    [participants, steps, trace, availableWidth],
  );

  // Only a single step forward draws in; jumps and step-backs just appear.
  const previousStep = useRef(step);
  const animateStep = !reducedMotion && step === previousStep.current + 1 ? step : -1;
  useEffect(() => {
    previousStep.current = step;
  }, [step]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const band = layout.bands.get(step);
    const top = band ? band.top : 0;
    const bottom = band ? band.bottom : 0;
    const visible = el.clientHeight - HEADER_HEIGHT;
    const viewTop = el.scrollTop;
    const viewBottom = el.scrollTop + visible;
    // Keep the current step in the upper part of the box, so the next steps (where faults are
    // armed) stay in sight as the run plays.
    let nextTop = el.scrollTop;
    if (top < viewTop || bottom > viewTop + visible * 0.7 || bottom > viewBottom) nextTop = Math.max(0, top - visible * 0.25);
    // On narrow screens the diagram is wider than its box: bring the current arrows into view too.
    let nextLeft = el.scrollLeft;
    const xs = layout.rows.filter((r) => r.entry.step === step).flatMap((r) => [r.x1, r.x2]);
    if (xs.length > 0 && el.scrollWidth > el.clientWidth) {
      const left = Math.min(...xs) - 60;
      const right = Math.max(...xs) + 60;
      if (left < el.scrollLeft || right > el.scrollLeft + el.clientWidth) {
        nextLeft = Math.max(0, (left + right) / 2 - el.clientWidth / 2);
      }
    }
    if (nextTop !== el.scrollTop || nextLeft !== el.scrollLeft) {
      el.scrollTo({ top: nextTop, left: nextLeft, behavior: reducedMotion ? 'auto' : 'smooth' });
    }
  }, [step, layout, reducedMotion]);

  const visibleArea = useCallback(() => {
    const el = scrollRef.current;
    return el ? { top: el.scrollTop + HEADER_HEIGHT, bottom: el.scrollTop + el.clientHeight } : { top: 0, bottom: Infinity };
  }, []);

  const closeMenu = useCallback(() => {
    setMenu(null);
    const opener = openerRef.current;
    if (opener && 'focus' in opener) opener.focus({ preventScroll: true });
  }, []);

  const openEntry = useCallback(
    (seq: number, target: SVGGElement) => {
      const row = layout.rows.find((r) => r.entry.seq === seq);
      if (!row) return;
      openerRef.current = target;
      setMenu({ type: 'entry', seq, x: Math.min(row.x1, row.x2), y: HEADER_HEIGHT + row.y + 12, visible: visibleArea() });
    },
    [layout, visibleArea],
  );

  const tabSeq = useMemo(() => {
    if (focusSeq !== null && layout.rows.some((r) => r.entry.seq === focusSeq)) return focusSeq;
    const atStep = layout.rows.find((r) => r.entry.step === Math.max(step, 1));
    return atStep?.entry.seq ?? layout.rows[0]?.entry.seq ?? -1;
  }, [focusSeq, layout, step]);

  const moveFocus = useCallback(
    (seq: number, move: 'next' | 'previous' | 'first' | 'last') => {
      const index = layout.rows.findIndex((r) => r.entry.seq === seq);
      const last = layout.rows.length - 1;
      const target =
        move === 'first' ? 0 : move === 'last' ? last : Math.max(0, Math.min(last, index + (move === 'next' ? 1 : -1)));
      const next = layout.rows[target]?.entry.seq;
      if (next === undefined) return;
      setFocusSeq(next);
      const element = scrollRef.current?.querySelector<SVGGElement>(`[data-testid="arrow-${next}"]`);
      element?.focus({ preventScroll: true });
      element?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    },
    [layout],
  );

  const stepByIndex = useMemo(() => new Map(steps.map((s) => [s.index, s])), [steps]);
  const armedAt = useCallback((point: string) => armed.filter((f) => f.at === point), [armed]);

  const arm = (fault: ArmedFault) => {
    onArm(fault);
    setMenu(null);
  };
  const disarm = (fault: ArmedFault) => {
    onDisarm(fault);
    setMenu(null);
  };

  function arrowState(entryStep: number): ArrowState {
    if (entryStep === step) return 'current';
    return entryStep < step ? 'done' : 'upcoming';
  }

  const hoveredRow = hovered == null || menu ? undefined : layout.rows.find((r) => r.entry.seq === hovered);
  const nowLine = step === 0 ? 4 : (layout.bands.get(step)?.bottom ?? 0) + 3;

  return (
    <div className="flex h-full flex-col" data-testid="sequence-diagram">
      <div
        ref={scrollRef}
        className="relative max-h-[70vh] min-h-[320px] flex-1 overflow-auto overscroll-contain rounded-md border border-line bg-surface xl:max-h-[calc(100vh-15rem)]"
        tabIndex={-1}
      >
        <div className="relative" style={{ width: layout.width, minHeight: layout.height + HEADER_HEIGHT }}>
          <LifelineHeaders
            participants={participants}
            layoutWidth={layout.width}
            columnWidth={layout.columnWidth}
            snapshot={snapshot}
            onOpen={(actor, target, x) => {
              openerRef.current = target;
              const visible = visibleArea();
              setMenu({ type: 'actor', actor, x, y: visible.top, visible });
            }}
          />
          <svg
            width={layout.width}
            height={layout.height}
            role="group"
            aria-label={`Sequence diagram with ${steps.length} steps; step ${step} is the current one.`}
            className="block select-none"
          >
            <defs>
              <marker id="seq-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill="var(--arrow)" />
              </marker>
              <marker id="seq-head-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill="var(--bad)" />
              </marker>
              <pattern id="seq-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="2.5" height="6" fill="var(--bad)" opacity="0.45" />
              </pattern>
            </defs>

            {steps.map((s) => {
              const band = layout.bands.get(s.index);
              if (!band) return null;
              const current = s.index === step;
              const struck = s.struck;
              const armedHere = armedAt(s.point);
              return (
                <g key={`band-${s.index}`} data-band={s.index}>
                  <rect
                    x={0}
                    y={band.top}
                    width={layout.width}
                    height={band.bottom - band.top}
                    fill={current ? 'var(--hl)' : s.index % 2 === 0 ? 'var(--surface-2)' : 'transparent'}
                    opacity={current ? 1 : 0.45}
                  />
                  <text x={10} y={band.top + 24} fontSize={14} fontWeight={current ? 800 : 600} fill="var(--muted)">
                    {s.index}
                  </text>
                  {struck ? (
                    <FaultPill x={30} y={band.top + 9} glyph="⚡" word="struck" tone="bad" title={FAULT_DESCRIPTIONS[struck.kind].label} />
                  ) : armedHere.length > 0 ? (
                    <FaultPill
                      x={30}
                      y={band.top + 9}
                      glyph="⚑"
                      word="armed"
                      tone="warn"
                      title={armedHere.map((f) => FAULT_DESCRIPTIONS[f.kind].label).join(', ')}
                    />
                  ) : null}
                </g>
              );
            })}

            {participants.map((p) => (
              <line
                key={`life-${p.id}`}
                x1={layout.lifelineX[p.id]}
                x2={layout.lifelineX[p.id]}
                y1={0}
                y2={layout.height}
                stroke="var(--line)"
                strokeWidth={snapshot?.down.includes(p.id) ? 1 : 2}
                strokeDasharray={snapshot?.down.includes(p.id) ? '3 6' : '8 6'}
              />
            ))}

            <g aria-hidden="true">
              <line x1={0} x2={layout.width} y1={nowLine} y2={nowLine} stroke="var(--accent)" strokeWidth={2} />
              {/* In the gutter, where no arrow label can sit on top of it. */}
              <text x={6} y={step === 0 ? nowLine + 14 : nowLine - 5} fontSize={11} fontWeight={700} fill="var(--accent)">
                {step === 0 ? 'start ▼' : 'now ▲'}
              </text>
            </g>

            {layout.rows.map((row) => (
              <SequenceArrow
                key={row.entry.seq}
                row={row}
                state={arrowState(row.entry.step)}
                animate={row.entry.step === animateStep}
                width={layout.width}
                gutter={GUTTER}
                onOpen={openEntry}
                onHover={setHovered}
                tabbable={row.entry.seq === tabSeq}
                onMoveFocus={moveFocus}
              />
            ))}
          </svg>

          {hoveredRow?.entry.sql && (
            <div
              role="tooltip"
              className="pointer-events-none absolute z-20 max-w-[min(90%,32rem)] rounded-md border border-line bg-surface px-3 py-2 font-mono text-xs shadow-lg"
              style={{ left: Math.max(8, Math.min(hoveredRow.x1, hoveredRow.x2)), top: HEADER_HEIGHT + hoveredRow.y + 10 }}
            >
              {hoveredRow.entry.sql.map((line, i) => (
                <div key={i} className="whitespace-pre-wrap break-words">
                  {line}
                </div>
              ))}
            </div>
          )}

          {menu?.type === 'entry' && (
            <EntryMenu
              seq={menu.seq}
              x={menu.x}
              y={menu.y}
              visible={menu.visible}
              maxWidth={Math.max(layout.width, availableWidth)}
              result={result}
              stepByIndex={stepByIndex}
              sites={sites}
              currentStep={step}
              armed={armed}
              canArmMore={canArmMore}
              onArm={arm}
              onDisarm={disarm}
              onGoToStep={(n) => {
                onGoToStep(n);
                setMenu(null);
              }}
              onClose={closeMenu}
            />
          )}
          {menu?.type === 'actor' && (
            <FaultMenu
              x={menu.x}
              y={menu.y}
              visible={menu.visible}
              maxWidth={Math.max(layout.width, availableWidth)}
              label={`Upcoming steps of ${participants.find((p) => p.id === menu.actor)?.label ?? menu.actor}`}
              onClose={closeMenu}
            >
              <ActorPoints
                actor={menu.actor}
                participant={participants.find((p) => p.id === menu.actor)}
                result={result}
                sites={sites}
                currentStep={step}
                armed={armed}
                canArmMore={canArmMore}
                onArm={arm}
                onDisarm={disarm}
              />
            </FaultMenu>
          )}
        </div>
      </div>
      <p className="mt-2 text-sm text-muted">
        Click or press Enter on an upcoming (faded) arrow to arm a fault there; click a lifeline&apos;s name for all its
        upcoming steps. Hover or focus an arrow marked SQL to read the statements; ↑ and ↓ move between arrows.
      </p>
    </div>
  );
}

function FaultPill({ x, y, glyph, word, tone, title }: { x: number; y: number; glyph: string; word: string; tone: 'bad' | 'warn'; title: string }) {
  const color = tone === 'bad' ? 'var(--bad)' : 'var(--warn)';
  return (
    <g>
      <title>{title}</title>
      <rect x={x} y={y} width={60} height={22} rx={11} fill="var(--surface)" stroke={color} strokeWidth={2} />
      <text x={x + 30} y={y + 15.5} textAnchor="middle" fontSize={12} fontWeight={700} fill={color}>
        {glyph} {word}
      </text>
    </g>
  );
}

function LifelineHeaders({
  participants,
  layoutWidth,
  columnWidth,
  snapshot,
  onOpen,
}: {
  participants: Participant[];
  layoutWidth: number;
  columnWidth: number;
  snapshot: WorldSnapshot | undefined;
  onOpen: (actor: string, target: HTMLElement, x: number) => void;
}) {
  return (
    <div
      className="sticky top-0 z-10 flex border-b border-line bg-surface/95 backdrop-blur"
      style={{ width: layoutWidth, height: HEADER_HEIGHT }}
    >
      <div style={{ width: GUTTER }} className="flex shrink-0 items-end px-2 pb-2 text-xs font-semibold uppercase tracking-wide text-muted">
        Step
      </div>
      {participants.map((p, i) => {
        const down = snapshot?.down.includes(p.id) ?? false;
        const state = snapshot?.states[p.id];
        return (
          <div key={p.id} style={{ width: columnWidth }} className="flex shrink-0 items-stretch justify-center p-1">
            <button
              type="button"
              data-testid={`lifeline-${p.id}`}
              onClick={(event) => onOpen(p.id, event.currentTarget, GUTTER + columnWidth * i)}
              className={`flex w-full flex-col items-center justify-center rounded-md border-2 px-1 py-1 text-center leading-tight hover:border-accent ${
                down ? 'border-dashed border-bad opacity-80' : 'border-line'
              }`}
            >
              <span className="text-sm font-semibold">{p.label}</span>
              <span className={`text-xs ${down ? 'font-bold text-bad' : 'text-muted'}`}>
                {down ? (
                  <>
                    <span aria-hidden="true">✖ </span>down
                  </>
                ) : (
                  (state ?? p.kind)
                )}
              </span>
              <span className="sr-only">: list its upcoming steps to arm a fault</span>
            </button>
          </div>
        );
      })}
    </div>
  );
}

function EntryMenu({
  seq,
  x,
  y,
  visible,
  maxWidth,
  result,
  stepByIndex,
  sites,
  currentStep,
  armed,
  canArmMore,
  onArm,
  onDisarm,
  onGoToStep,
  onClose,
}: {
  seq: number;
  x: number;
  y: number;
  visible: { top: number; bottom: number };
  maxWidth: number;
  result: RunResult;
  stepByIndex: Map<number, StepRecord>;
  sites: FaultSite[];
  currentStep: number;
  armed: ArmedFault[];
  canArmMore: boolean;
  onArm: (fault: ArmedFault) => void;
  onDisarm: (fault: ArmedFault) => void;
  onGoToStep: (step: number) => void;
  onClose: () => void;
}) {
  const entry = result.trace.find((e) => e.seq === seq);
  const stepRecord = entry ? stepByIndex.get(entry.step) : undefined;
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
            kinds={kindsAt(stepRecord, sites)}
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

function ActorPoints({
  actor,
  participant,
  result,
  sites,
  currentStep,
  armed,
  canArmMore,
  onArm,
  onDisarm,
}: {
  actor: string;
  participant: Participant | undefined;
  result: RunResult;
  sites: FaultSite[];
  currentStep: number;
  armed: ArmedFault[];
  canArmMore: boolean;
  onArm: (fault: ArmedFault) => void;
  onDisarm: (fault: ArmedFault) => void;
}) {
  // Passive participants (Postgres, the broker) have no steps of their own; what can go wrong
  // with them happens in the steps that talk to them.
  const touches = (s: StepRecord) =>
    s.actor === actor ||
    (!participant?.process && s.entries.some((seq) => {
      const e = result.trace[seq];
      return e !== undefined && (e.to === actor || e.from === actor);
    }));
  const upcoming = result.steps.filter((s) => s.index > currentStep && touches(s) && kindsAt(s, sites).length > 0);
  if (upcoming.length === 0) {
    return <p className="text-muted">No upcoming step here can take a fault. Step back to see earlier ones.</p>;
  }
  return (
    <ul className="space-y-3">
      {upcoming.map((s) => (
        <li key={s.index}>
          <p className="mb-1">
            <span className="font-semibold">Step {s.index}</span> · {s.caption}{' '}
            <code className="font-mono text-xs text-muted">{s.point}</code>
          </p>
          <FaultOptions point={s.point} kinds={kindsAt(s, sites)} armed={armed} onArm={onArm} onDisarm={onDisarm} canArmMore={canArmMore} />
        </li>
      ))}
    </ul>
  );
}
