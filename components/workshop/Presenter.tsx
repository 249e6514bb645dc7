'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EMBED_NAMESPACE, type FigureCommand, type FigureMessage } from '../../machines/embed/protocol';
import { findPattern } from '../../machines/patterns/catalog';
import { itemFigurePath, type AgendaItem } from '../../machines/workshop/agenda';
import { BUTTON, BUTTON_PRIMARY } from '../lab/buttonStyles';
import { isTyping } from '../lab/useKeyboardShortcuts';

/** The presenter's keys, for the bar's help line and the overview's list. */
export const PRESENTER_KEYS: readonly [string, string][] = [
  ['→ ← Space', 'step the run, play or pause'],
  ['PageDown / n', 'next run'],
  ['PageUp / p', 'previous run'],
  ['o', 'reveal the outcome'],
  ['b', 'blank the screen (any key brings it back)'],
  ['f', 'full screen'],
  ['Esc', 'leave the presentation'],
];

type Action = 'next' | 'previous' | 'reveal' | 'blank' | 'fullscreen' | 'exit' | 'forward' | 'back' | 'toggle-play';

/** What a key means here. Arrows only count when this page has the focus: inside the figure they are its own. */
function actionOf(event: KeyboardEvent, fromFigure: boolean): Action | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case 'PageDown':
    case 'n':
      return 'next';
    case 'PageUp':
    case 'p':
      return 'previous';
    case 'o':
      return 'reveal';
    case 'b':
    case '.':
      return 'blank';
    case 'f':
      return 'fullscreen';
    case 'Escape':
      return 'exit';
    case 'ArrowRight':
      return fromFigure ? null : 'forward';
    case 'ArrowLeft':
      return fromFigure ? null : 'back';
    case ' ':
      return fromFigure ? null : 'toggle-play';
    default:
      return null;
  }
}

/**
 * The projector view: one run at a time, full screen, as a large figure (`size=large`) whose
 * outcome is held back (`outcome=hidden`) until the presenter reveals it. The figure is the same
 * page a docs site embeds, driven by the same messages; being on this origin, its keys are also
 * heard here, so a clicker works wherever the focus is.
 */
export function Presenter({ items, index, title, onGo, onExit }: { items: AgendaItem[]; index: number; title: string; onGo: (index: number) => void; onExit: () => void }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [blank, setBlank] = useState(false);
  const [revealed, setRevealed] = useState<ReadonlySet<number>>(new Set());
  const [progress, setProgress] = useState<{ step: number; total: number; shown: boolean; playing: boolean } | null>(null);
  const revealedRef = useRef(revealed);
  revealedRef.current = revealed;
  const progressRef = useRef(progress);
  progressRef.current = progress;
  const item = items[index]!;
  const pattern = findPattern(item.pattern);
  const theme = typeof document !== 'undefined' ? document.documentElement.dataset.theme : undefined;
  // One address per run: revealing must not reload the frame, so what is already revealed is sent as a command instead.
  const src = useMemo(() => itemFigurePath(item, { outcome: 'hidden', size: 'large', ...(theme ? { theme } : {}) }), [item, theme]);

  const post = useCallback((command: FigureCommand['command']) => {
    frame.current?.contentWindow?.postMessage({ source: EMBED_NAMESPACE, command }, window.location.origin);
  }, []);

  const reveal = useCallback(() => {
    post('reveal');
    setRevealed((set) => new Set(set).add(index));
  }, [post, index]);

  const act = useCallback(
    (action: Action) => {
      if (action === 'next') onGo(Math.min(index + 1, items.length - 1));
      else if (action === 'previous') onGo(Math.max(index - 1, 0));
      else if (action === 'reveal') reveal();
      else if (action === 'blank') setBlank((b) => !b);
      else if (action === 'forward') post('step-forward');
      else if (action === 'back') post('step-back');
      else if (action === 'toggle-play') post(progressRef.current?.playing ? 'pause' : 'play');
      else if (action === 'fullscreen') {
        if (document.fullscreenElement) void document.exitFullscreen();
        else void document.documentElement.requestFullscreen?.().catch(() => undefined);
      } else onExit();
    },
    [index, items.length, onGo, onExit, post, reveal],
  );

  const onKey = useRef<(event: KeyboardEvent, fromFigure: boolean) => void>(() => undefined);
  onKey.current = (event, fromFigure) => {
    if (isTyping(event.target)) return;
    if (blank) {
      // A blanked screen comes back on any key, the way presentation software does.
      if (!['Shift', 'Control', 'Alt', 'Meta'].includes(event.key)) {
        event.preventDefault();
        setBlank(false);
      }
      return;
    }
    const action = actionOf(event, fromFigure);
    if (!action) return;
    event.preventDefault();
    act(action);
  };

  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey.current(event, false);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  useEffect(() => {
    setProgress(null);
    const onMessage = (event: MessageEvent) => {
      if (event.source !== frame.current?.contentWindow) return;
      const message = event.data as FigureMessage;
      if (message?.source !== EMBED_NAMESPACE) return;
      if (message.type === 'ready' && revealedRef.current.has(index)) post('reveal');
      if (message.type === 'state') setProgress({ step: message.step, total: message.total, shown: message.outcome === 'shown', playing: message.playing });
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [index, post]);

  // The figure is same-origin: listen to its keys too, and give it the focus so its own arrows work at once.
  const onFrameLoad = () => {
    const win = frame.current?.contentWindow;
    if (!win) return;
    win.addEventListener('keydown', (event) => onKey.current(event, true));
    win.focus();
  };

  const shown = progress?.shown || revealed.has(index);
  return (
    <div className="fixed inset-0 z-50 flex flex-col bg-bg text-fg" role="dialog" aria-modal="true" aria-label={`Presenting: ${title || 'workshop'}`} data-testid="presenter">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b-2 border-fg/20 bg-surface px-3 py-1.5">
        <p className="font-mono text-lg font-bold" data-testid="presenter-position">
          {index + 1} / {items.length}
        </p>
        <div className="min-w-0 flex-1 basis-64">
          <h2 className="truncate text-xl font-bold leading-tight">{pattern?.title ?? item.pattern}</h2>
          {item.note && (
            <p className="line-clamp-2 text-base leading-snug text-fg" data-testid="presenter-note">
              {item.note}
            </p>
          )}
        </div>
        <div className="flex flex-wrap items-center gap-1.5">
          <div className="flex items-center gap-1" role="group" aria-label="Step the run">
            <button type="button" className={BUTTON} onClick={() => act('back')} disabled={!progress || progress.step === 0} aria-label="Step back (←)">
              ‹
            </button>
            <button type="button" className={BUTTON} onClick={() => act('toggle-play')} disabled={!progress} aria-label={progress?.playing ? 'Pause (Space)' : 'Play (Space)'}>
              {progress?.playing ? '❚❚' : '▶'}
            </button>
            <button
              type="button"
              className={BUTTON}
              onClick={() => act('forward')}
              disabled={!progress || progress.step >= progress.total}
              aria-label="Step forward (→)"
            >
              ›
            </button>
            <span className="min-w-16 text-center font-mono text-base" data-testid="presenter-step">
              {progress ? `${progress.step}/${progress.total}` : '…'}
            </span>
          </div>
          <button type="button" className={shown ? BUTTON : BUTTON_PRIMARY} onClick={reveal} disabled={shown} data-testid="presenter-reveal">
            {shown ? 'Revealed' : 'Reveal (o)'}
          </button>
          <div className="flex items-center gap-1" role="group" aria-label="Move between runs">
            <button type="button" className={BUTTON} onClick={() => act('previous')} disabled={index === 0} aria-label="Previous run (PageUp)">
              ◀ Run
            </button>
            <button type="button" className={BUTTON} onClick={() => act('next')} disabled={index === items.length - 1} aria-label="Next run (PageDown)" data-testid="presenter-next">
              Run ▶
            </button>
          </div>
          <button type="button" className={BUTTON} onClick={() => setBlank(true)} aria-label="Blank the screen (b)">
            Blank
          </button>
          <button type="button" className={BUTTON} onClick={onExit} data-testid="presenter-exit">
            Exit <span className="sr-only">the presentation</span>
            <kbd className="text-sm text-muted">Esc</kbd>
          </button>
        </div>
        <p className="sr-only" aria-live="polite">
          {progress ? `Step ${progress.step} of ${progress.total}` : 'Loading the run'}
        </p>
      </div>
      <iframe
        key={index}
        ref={frame}
        src={src}
        title={`${pattern?.title ?? item.pattern}, run ${index + 1} of ${items.length}`}
        className="min-h-0 w-full flex-1 border-0"
        onLoad={onFrameLoad}
        data-testid="presenter-frame"
      />
      {blank && (
        <div className="fixed inset-0 z-[60] bg-black" data-testid="presenter-blank" onClick={() => setBlank(false)}>
          <p className="sr-only">The screen is blank. Press any key to bring it back.</p>
        </div>
      )}
    </div>
  );
}
