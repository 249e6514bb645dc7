'use client';

/**
 * A live run in a lesson: the lab's embed in an iframe with a preset scenario. It sizes itself from
 * the figure's `resize` messages (machines/embed/protocol.ts) and follows the page's theme. Hidden
 * behind its question until the reader answers (see PredictionGates).
 */
import { useEffect, useRef, useState } from 'react';
import { EMBED_NAMESPACE } from '../../machines/embed/protocol';
import { ANOMALY_DESCRIPTIONS, type AnomalyId } from '../../machines/kernel/vocabulary';
import { useGate } from './PredictionGates';

interface FigureProps {
  pattern: string;
  variant?: string;
  faults?: string;
  idem?: string;
  orders?: string;
  seed?: string;
  step?: string;
  /** Comma-separated anomaly ids, or "consistent"; checked against the lab by `lab lessons --check`. */
  expect: string;
  caption: string;
  gate?: string;
}

const INITIAL_HEIGHT = 720;
const MIN_HEIGHT = 240;
const MAX_HEIGHT = 2400;

/** The scenario as the lab reads it from an address; presentation (theme) added by the caller. */
export function figureQuery({ variant, faults, idem, orders, seed, step }: FigureProps): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ seed, variant, faults, idem, orders, step })) if (value) query.set(name, value);
  return query;
}

function expectedLabel(expect: string): string {
  const ids = expect.split(',').map((s) => s.trim()).filter((s) => s && s !== 'consistent') as AnomalyId[];
  if (ids.length === 0) return 'consistent, no anomaly';
  return ids.map((id) => ANOMALY_DESCRIPTIONS[id]?.label ?? id).join(', ');
}

export function Figure(props: FigureProps) {
  const { pattern, caption, gate } = props;
  const { open } = useGate(gate);
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(INITIAL_HEIGHT);
  // The theme the reader chose on this site, read after mount (the server has no document).
  const [theme, setTheme] = useState<string | null>(null);

  useEffect(() => {
    // Follow the site's theme toggle too: the figure reloads in the new theme (its Postgres is
    // the shared worker's, so that costs a run, not a boot; the reader's step is lost).
    const root = document.documentElement;
    const read = () => setTheme(root.dataset.theme ?? 'auto');
    read();
    const observer = new MutationObserver(read);
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== frame.current?.contentWindow) return;
      const data = event.data as { source?: unknown; type?: unknown; height?: unknown };
      if (data?.source !== EMBED_NAMESPACE || data.type !== 'resize' || typeof data.height !== 'number' || !Number.isFinite(data.height)) return;
      setHeight(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(data.height))));
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);

  const query = figureQuery(props);
  const labHref = `/patterns/${pattern}/${query.size > 0 ? `?${query}` : ''}`;
  if (theme && theme !== 'auto') query.set('theme', theme);
  const src = `/embed/${pattern}/${query.size > 0 ? `?${query}` : ''}`;

  return (
    <figure className="my-6" data-testid="lesson-figure" data-pattern={pattern}>
      {open ? (
        theme && (
          <iframe
            ref={frame}
            src={src}
            title={`Lab figure: ${caption}`}
            style={{ height }}
            className="block w-full rounded-lg border border-line bg-surface"
            loading="lazy"
          />
        )
      ) : (
        <div className="rounded-lg border border-dashed border-line p-6 text-center text-muted" data-testid="figure-hidden">
          Answer the question above to see this run.
        </div>
      )}
      <figcaption className="mt-2 text-sm text-muted">
        {caption}.{' '}
        {/* The expected outcome would give the question's answer away, so it shows with the run. */}
        {open && <span>Expected: {expectedLabel(props.expect)}. </span>}
        <a href={labHref} className="text-accent underline">
          Open in the lab
        </a>
      </figcaption>
    </figure>
  );
}
