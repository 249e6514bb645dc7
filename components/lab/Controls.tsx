'use client';

import { useRef, useState } from 'react';
import type { ArmedFault, StepRecord } from '../../machines/kernel/types';
import type { VariantInfo } from '../../machines/kernel/pattern-info';
import { ArmedFaults } from './ArmedFaults';
import { BUTTON, FIELD } from './buttonStyles';
import { SeedInput } from './SeedInput';
import { ShortcutHelp } from './ShortcutHelp';
import { PinnedTransport } from './PinnedTransport';
import { Transport, type Speed } from './Transport';

export interface ControlsProps {
  step: number;
  total: number;
  /** The run is still being computed past `total`. */
  more?: boolean;
  playing: boolean;
  speed: Speed;
  onStep: (step: number) => void;
  onTogglePlay: () => void;
  onSpeed: (speed: Speed) => void;
  onReset: () => void;
  onAddOrder: () => void;
  canAddOrder: boolean;
  orderCount: number;
  /** False where the pattern scripts its own requests: the button would do nothing there. */
  ordersAdjustable: boolean;
  seed: number;
  onSeed: (seed: number) => void;
  hasConsumer: boolean;
  /** What the idempotency switch is called where it is not a consumer's (see PatternInfo.idempotencySwitch). */
  switchLabel?: string;
  idempotent: boolean;
  onIdempotent: (on: boolean) => void;
  variants: VariantInfo[];
  variant: string;
  onVariant: (variant: string) => void;
  faults: ArmedFault[];
  steps: StepRecord[];
  /** True while `steps` are from the previous scenario (a new run is on its way). */
  stepsStale: boolean;
  onRemoveFault: (fault: ArmedFault) => void;
  helpOpen: boolean;
  onHelp: (open: boolean) => void;
}

/** Every control of the lab. It only reports intentions; the shell turns them into URL changes. */
export function Controls(props: ControlsProps) {
  const transportRef = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
    window.setTimeout(() => setCopied('idle'), 2000);
  }

  return (
    <div className="space-y-3 rounded-lg border border-line bg-surface p-3" data-testid="controls">
      <div ref={transportRef}>
        <Transport
          step={props.step}
          total={props.total}
          more={props.more}
          playing={props.playing}
          speed={props.speed}
          onStep={props.onStep}
          onTogglePlay={props.onTogglePlay}
          onSpeed={props.onSpeed}
          onReset={props.onReset}
        />
      </div>
      <PinnedTransport watch={transportRef} step={props.step} total={props.total} more={props.more} playing={props.playing} onStep={props.onStep} onTogglePlay={props.onTogglePlay} />
      <div className="flex flex-wrap items-start gap-x-4 gap-y-2 border-t border-line pt-3">
        {props.ordersAdjustable && (
          <button
            type="button"
            data-testid="add-order"
            className={BUTTON}
            onClick={props.onAddOrder}
            disabled={!props.canAddOrder}
            title={props.canAddOrder ? 'A new order arrives at the current simulated time' : 'At most 6 orders per run'}
          >
            <span aria-hidden="true" className="text-lg leading-none">+</span> Add an order
            <span className="text-sm text-muted">({props.orderCount})</span>
          </button>
        )}
        <SeedInput seed={props.seed} onSeed={props.onSeed} />
        {props.hasConsumer && (
          <label className="flex min-h-10 cursor-pointer items-center gap-2 text-sm">
            <input
              type="checkbox"
              role="switch"
              data-testid="idempotent-switch"
              className="h-5 w-5 accent-[var(--accent)]"
              checked={props.idempotent}
              aria-checked={props.idempotent}
              onChange={(event) => props.onIdempotent(event.target.checked)}
            />
            <span>
              {props.switchLabel ?? 'Idempotent consumer'} <span className="text-muted">({props.idempotent ? 'on' : 'off'})</span>
            </span>
          </label>
        )}
        {props.variants.length > 1 && (
          <label className="flex items-center gap-1.5 text-sm">
            <span className="text-muted">Variant</span>
            <select
              data-testid="variant-select"
              className={FIELD}
              value={props.variant}
              onChange={(event) => props.onVariant(event.target.value)}
            >
              {props.variants.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="ml-auto flex items-center gap-2">
          <button type="button" data-testid="copy-link" className={BUTTON} onClick={copyLink}>
            <span aria-live="polite">{copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy link'}</span>
          </button>
          <ShortcutHelp open={props.helpOpen} onToggle={props.onHelp} />
        </div>
      </div>
      <ArmedFaults faults={props.faults} steps={props.steps} stale={props.stepsStale} onRemove={props.onRemoveFault} onGoToStep={props.onStep} />
    </div>
  );
}
