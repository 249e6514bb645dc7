'use client';

import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, type RefObject } from 'react';
import {
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import type { Participant, ParticipantKind, TraceEntry, WorldSnapshot } from '../../machines/kernel/types';

type ParticipantData = {
  participant: Participant;
  state: string | undefined;
  down: boolean;
  active: boolean;
  details: string[];
};
type ParticipantNode = Node<ParticipantData, 'participant'>;

const COLUMN = 300;
const ROW = 175;

// A loop in two columns: client → service → Postgres → relay → broker → consumer → Postgres.
// Every usual channel is a short straight edge and none cross, and the nearly square shape keeps
// text readable after React Flow fits it into a phone-wide or a 40%-wide panel.
// Kinds that do not appear in the usual loop go in a third column unless the pattern places them.
const SLOT: Record<ParticipantKind, { col: number; row: number }> = {
  client: { col: 0, row: 0 },
  service: { col: 1, row: 0 },
  database: { col: 1, row: 1 },
  relay: { col: 0, row: 1 },
  broker: { col: 0, row: 2 },
  consumer: { col: 1, row: 2 },
  connector: { col: 0, row: 1 },
  coordinator: { col: 2, row: 0 },
  listener: { col: 2, row: 0 },
  cache: { col: 2, row: 1 },
  'event-store': { col: 0, row: 1 },
};

const SIDES = [Position.Top, Position.Right, Position.Bottom, Position.Left] as const;

function ParticipantNodeView({ data }: NodeProps<ParticipantNode>) {
  const { participant, state, down, active, details } = data;
  return (
    <div
      className={`w-[180px] rounded-lg border-2 bg-surface px-3 py-2 text-fg shadow-sm ${
        down ? 'border-dashed border-bad opacity-70 grayscale' : active ? 'border-accent' : 'border-line'
      }`}
      data-testid={`flow-node-${participant.id}`}
      data-down={down ? 'true' : 'false'}
    >
      {SIDES.map((side) => (
        <Handle key={`s-${side}`} id={`s-${side}`} type="source" position={side} isConnectable={false} className="!opacity-0" />
      ))}
      {SIDES.map((side) => (
        <Handle key={`t-${side}`} id={`t-${side}`} type="target" position={side} isConnectable={false} className="!opacity-0" />
      ))}
      <p className="text-base font-bold leading-tight">{participant.label}</p>
      <p className={`text-sm ${down ? 'font-bold text-bad' : 'text-muted'}`}>
        {down ? '✖ down (crashed)' : (state ?? participant.kind)}
      </p>
      {details.length > 0 && (
        <ul className="mt-1 border-t border-line pt-1 font-mono text-xs leading-snug text-muted">
          {details.map((d) => (
            <li key={d} className="truncate">
              {d}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const nodeTypes = { participant: ParticipantNodeView };

function sides(from: { x: number; y: number }, to: { x: number; y: number }): [Position, Position] {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  if (Math.abs(dx) >= Math.abs(dy) * 1.2) return dx > 0 ? [Position.Right, Position.Left] : [Position.Left, Position.Right];
  return dy > 0 ? [Position.Bottom, Position.Top] : [Position.Top, Position.Bottom];
}

function detailsFor(participant: Participant, snapshot: WorldSnapshot | undefined): string[] {
  if (!snapshot) return [];
  if (participant.kind === 'database') return snapshot.tables.map((t) => `${t.name} · ${t.rows.length}`);
  if (participant.kind === 'broker') return snapshot.topics.map((t) => `${t.topic} · ${t.messages.length} msg`);
  return [];
}

export interface FlowViewProps {
  participants: Participant[];
  trace: TraceEntry[];
  step: number;
  snapshot: WorldSnapshot | undefined;
}

/** The same run as a map: who talks to whom, with the current step's channel lit up. */
export function FlowView(props: FlowViewProps) {
  return (
    <div
      data-testid="flow-view"
      className="flex h-[440px] w-full flex-col overflow-hidden rounded-md border border-line"
      aria-label="Flow view: participants and the channels between them; the narration describes the same step in words."
      role="figure"
    >
      <ReactFlowProvider>
        <Flow {...props} />
      </ReactFlowProvider>
    </div>
  );
}

function Flow({ participants, trace, step, snapshot }: FlowViewProps) {
  const positions = useMemo(() => {
    const used = new Map<string, number>();
    const result = new Map<string, { x: number; y: number }>();
    // Without a relay the broker takes its place, next to the service that publishes to it.
    const hasRelay = participants.some((p) => p.kind === 'relay' || p.kind === 'connector' || p.kind === 'event-store');
    for (const p of participants) {
      const slot = p.at ?? (!hasRelay && p.kind === 'broker' ? SLOT.relay : SLOT[p.kind]);
      const key = `${slot.col}:${slot.row}`;
      const n = used.get(key) ?? 0;
      used.set(key, n + 1);
      result.set(p.id, { x: slot.col * COLUMN + n * 40, y: slot.row * ROW + n * 90 });
    }
    return result;
  }, [participants]);

  const canvas = useRef<HTMLDivElement>(null);
  const current = useMemo(() => trace.filter((e) => e.step === step), [trace, step]);
  const name = (id: string) => participants.find((p) => p.id === id)?.label ?? id;
  const activeIds = useMemo(() => new Set(current.flatMap((e) => [e.from, e.to])), [current]);

  const nodes = useMemo<ParticipantNode[]>(
    () =>
      participants.map((p) => ({
        id: p.id,
        type: 'participant',
        position: positions.get(p.id) ?? { x: 0, y: 0 },
        draggable: false,
        selectable: false,
        data: {
          participant: p,
          state: snapshot?.states[p.id],
          down: snapshot?.down.includes(p.id) ?? false,
          active: activeIds.has(p.id),
          details: detailsFor(p, snapshot),
        },
      })),
    [participants, positions, snapshot, activeIds],
  );

  const edges = useMemo<Edge[]>(() => {
    const pairs = new Map<string, { a: string; b: string }>();
    for (const e of trace) {
      if (e.from === e.to) continue;
      const [a, b] = [e.from, e.to].sort() as [string, string];
      pairs.set(`${a}--${b}`, { a, b });
    }
    return [...pairs.entries()].map(([id, { a, b }]) => {
      const live = current.filter((e) => (e.from === a && e.to === b) || (e.from === b && e.to === a));
      const lit = live[0];
      // Draw the edge in the direction of the current step's first message, so the animation flows the right way.
      const [source, target] = lit ? [lit.from, lit.to] : [a, b];
      const [sourceSide, targetSide] = sides(positions.get(source) ?? { x: 0, y: 0 }, positions.get(target) ?? { x: 0, y: 0 });
      const failed = live.some((e) => !e.ok);
      const color = failed ? 'var(--bad)' : lit ? 'var(--accent)' : 'var(--line)';
      return {
        id,
        source,
        target,
        sourceHandle: `s-${sourceSide}`,
        targetHandle: `t-${targetSide}`,
        animated: Boolean(lit),
        style: { stroke: color, strokeWidth: lit ? 3 : 1.5 },
        zIndex: lit ? 1 : 0,
        data: { lit: Boolean(lit) },
      };
    });
  }, [trace, current, positions]);

  return (
    <>
      <FitOnResize count={participants.length} canvas={canvas} />
      {/*
        Edge labels collide with nodes on short edges; the current messages are listed here instead,
        above the canvas rather than over it, so they never cover a node; the canvas gives up the
        height they take, and the graph is fitted again into what is left.
      */}
      <ul className="min-h-16 shrink-0 space-y-0.5 border-b border-line px-2 py-1.5 text-sm" aria-hidden="true" data-testid="flow-caption">
        {current.map((e) => (
          <li key={e.seq} className={`break-words font-semibold ${e.ok ? '' : 'text-bad'}`}>
            {e.ok ? '' : '✖ '}
            {e.from === e.to ? name(e.from) : `${name(e.from)} → ${name(e.to)}`}: <span className="font-normal">{e.label}</span>
          </li>
        ))}
      </ul>
      <div ref={canvas} className="relative min-h-0 flex-1">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          fitView
          fitViewOptions={{ padding: 0.06 }}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          panOnDrag={false}
          panOnScroll={false}
          zoomOnScroll={false}
          zoomOnPinch={false}
          zoomOnDoubleClick={false}
          preventScrolling={false}
          minZoom={0.2}
          proOptions={{ hideAttribution: false }}
        />
      </div>
    </>
  );
}

/**
 * Keeps the whole graph in view when its canvas changes size: a window resize, a layout switch,
 * or a step whose caption above the canvas takes more or fewer lines.
 */
function FitOnResize({ count, canvas }: { count: number; canvas: RefObject<HTMLDivElement | null> }) {
  const { fitView } = useReactFlow();
  const frame = useRef(0);
  useEffect(() => {
    const onResize = () => {
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(() => void fitView({ padding: 0.06 }));
    };
    const observer = new ResizeObserver(onResize);
    if (canvas.current) observer.observe(canvas.current);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame.current);
    };
  }, [fitView, count, canvas]);
  return null;
}
