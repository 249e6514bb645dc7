'use client';

import { useEffect, useRef, useState } from 'react';
import type { EmbedOptions } from '../../machines/embed/options';
import { embedCode } from '../../machines/export/embed-code';
import { runToMermaid } from '../../machines/export/mermaid';
import { runToSvg } from '../../machines/export/sequence-svg';
import { runToJson } from '../../machines/export/trace-json';
import type { RunResult, Scenario } from '../../machines/kernel/types';
import { BUTTON } from '../lab/buttonStyles';

interface ShareMenuProps {
  result: RunResult | null;
  scenario: Scenario;
  step: number;
  title: string;
  options: Pick<EmbedOptions, 'panels' | 'theme'>;
}

type Copied = { what: string; text: string; ok: boolean } | null;

function download(fileName: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const ITEM = 'block w-full rounded px-2 py-1.5 text-left text-sm hover:bg-surface-2 disabled:opacity-45';

/**
 * "Share": the embed code for what is on screen and exports of the run (Mermaid text, SVG, JSON).
 * Where the clipboard is refused (a cross-origin iframe without clipboard-write), the text is
 * shown selected so it can be copied by hand.
 */
export function ShareMenu({ result, scenario, step, title, options }: ShareMenuProps) {
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState<Copied>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const manualRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  useEffect(() => {
    if (copied && !copied.ok) manualRef.current?.select();
  }, [copied]);

  async function copy(what: string, text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied({ what, text, ok: true });
    } catch {
      setCopied({ what, text, ok: false });
    }
  }

  const base = `${scenario.pattern}-seed${scenario.seed}`;
  return (
    <div ref={rootRef} className="relative" data-testid="share-menu" onKeyDown={(event) => event.key === 'Escape' && setOpen(false)}>
      <button type="button" className={BUTTON} aria-expanded={open} aria-controls="share-menu-items" onClick={() => setOpen(!open)} data-testid="share-toggle">
        Share <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          id="share-menu-items"
          role="group"
          aria-label="Share and export"
          className="absolute right-0 top-full z-40 mt-1 w-72 max-w-[calc(100vw-1.5rem)] rounded-lg border border-line bg-surface p-2 shadow-xl"
        >
          <button type="button" className={ITEM} data-testid="copy-embed-code" onClick={() => copy('Embed code', embedCode(window.location.origin, scenario, step, options, title))}>
            Copy embed code
          </button>
          <button type="button" className={ITEM} disabled={!result} data-testid="copy-mermaid" onClick={() => result && copy('Mermaid text', runToMermaid(result))}>
            Copy as Mermaid sequenceDiagram
          </button>
          <button
            type="button"
            className={ITEM}
            disabled={!result}
            data-testid="download-svg"
            onClick={() => result && download(`${base}.svg`, 'image/svg+xml', runToSvg(result, title))}
          >
            Download the diagram as SVG
          </button>
          <button
            type="button"
            className={ITEM}
            disabled={!result}
            data-testid="download-json"
            onClick={() => result && download(`${base}.json`, 'application/json', runToJson(result))}
          >
            Download the trace as JSON
          </button>
          {copied && (
            <div className="mt-2 border-t border-line pt-2 text-sm" aria-live="polite" data-testid="share-copied">
              {copied.ok ? (
                <p>{copied.what} copied.</p>
              ) : (
                <>
                  <p>This page may not use the clipboard; select and copy the {copied.what.toLowerCase()}:</p>
                  <textarea ref={manualRef} readOnly value={copied.text} rows={5} className="mt-1 w-full rounded border border-line bg-surface-2 p-1 font-mono text-xs" />
                </>
              )}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
