'use client';

import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { ArmedFault, FaultPoint } from '../../machines/kernel/types';
import { FAULT_DESCRIPTIONS, type FaultKind } from '../../machines/kernel/vocabulary';

/**
 * A small popover anchored inside the diagram's scroll box. It takes focus when it opens (so a
 * keyboard user lands on the first choice) and gives it back to the opener on Escape.
 */
export function FaultMenu({
  x,
  y,
  maxWidth,
  visible,
  label,
  onClose,
  children,
}: {
  x: number;
  y: number;
  maxWidth: number;
  /**
   * The part of the scroll box in view (content coordinates): the menu moves up and sideways to
   * stay inside it, and is never taller or wider than it, so its close button is always on screen.
   */
  visible?: { top: number; bottom: number; left?: number; right?: number };
  label: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(y);

  useLayoutEffect(() => {
    const height = ref.current?.offsetHeight ?? 0;
    if (!visible || y + height <= visible.bottom - 8) {
      setTop(y);
      return;
    }
    setTop(Math.max(visible.top + 8, visible.bottom - height - 8));
  }, [y, visible]);

  useEffect(() => {
    const root = ref.current;
    const first = root?.querySelector<HTMLElement>('button, [href], summary');
    first?.focus({ preventScroll: true });
    function onPointerDown(event: PointerEvent) {
      if (root && !root.contains(event.target as Node)) onClose();
    }
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [onClose]);

  const left = visible?.left ?? 0;
  const right = Math.min(maxWidth, visible?.right ?? maxWidth);
  const width = Math.max(0, Math.min(360, right - left - 16));
  const maxHeight = visible && Number.isFinite(visible.bottom) ? Math.max(160, visible.bottom - visible.top - 16) : undefined;
  return (
    <div
      ref={ref}
      role="dialog"
      aria-label={label}
      data-testid="fault-menu"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
      className="absolute z-30 max-h-[60vh] overflow-y-auto rounded-lg border border-line bg-surface px-3 pb-3 text-sm shadow-xl"
      style={{ left: Math.max(left + 8, Math.min(x, right - width - 8)), top, width, maxHeight }}
    >
      {/* Sticky, so a long list scrolls under the title and the close button stays in reach. */}
      <div className="sticky top-0 z-10 -mx-3 mb-2 flex items-start justify-between gap-2 bg-surface px-3 pt-3 pb-1">
        <p className="font-semibold">{label}</p>
        <button
          type="button"
          onClick={onClose}
          className="-mr-1 -mt-1 rounded px-2 py-0.5 text-lg leading-none text-muted hover:bg-surface-2"
          aria-label="Close menu"
        >
          ×
        </button>
      </div>
      {children}
    </div>
  );
}

/** The fault kinds that can be armed at one point, each a button with its label and summary. */
export function FaultOptions({
  point,
  kinds,
  armed,
  onArm,
  onDisarm,
  canArmMore,
}: {
  point: FaultPoint;
  kinds: FaultKind[];
  armed: ArmedFault[];
  onArm: (fault: ArmedFault) => void;
  onDisarm: (fault: ArmedFault) => void;
  canArmMore: boolean;
}) {
  if (kinds.length === 0) return <p className="text-muted">No fault can be armed at this step.</p>;
  return (
    <ul className="space-y-1.5">
      {kinds.map((kind) => {
        const fault: ArmedFault = { kind, at: point };
        const isArmed = armed.some((f) => f.kind === kind && f.at === point);
        const description = FAULT_DESCRIPTIONS[kind];
        return (
          <li key={kind}>
            <button
              type="button"
              data-testid={`fault-option-${kind}`}
              aria-pressed={isArmed}
              disabled={!isArmed && !canArmMore}
              onClick={() => (isArmed ? onDisarm(fault) : onArm(fault))}
              className={`w-full rounded-md border px-3 py-2 text-left hover:border-accent disabled:cursor-not-allowed disabled:opacity-50 ${
                isArmed ? 'border-bad bg-surface-2' : 'border-line'
              }`}
            >
              <span className="flex items-center gap-2 font-semibold">
                <span aria-hidden="true">{isArmed ? '⚑' : '⚡'}</span>
                {description.label}
                {isArmed && <span className="ml-auto text-xs font-normal text-bad">armed · click to remove</span>}
              </span>
              <span className="mt-0.5 block text-muted">{description.summary}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
