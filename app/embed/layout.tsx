import type { ReactNode } from 'react';
import { EMBED_THEME_SCRIPT } from '../../machines/embed/options';
import { EARLY_MESSAGES_SCRIPT } from '../../machines/embed/protocol';

/*
 * A figure is sized to its content by the host (see public/embed.js), so nothing in it may be
 * sized by the viewport: the diagram's own `70vh` would grow with every resize the host makes.
 * Here it scrolls inside a box of fixed height instead, short enough for a docs column.
 */
const FIGURE_CSS = [
  `[data-embedded] [data-testid="sequence-diagram"] > div:first-child{max-height:320px}`,
  // How to arm a fault on an arrow is for readers who asked for the controls (panels=controls).
  `[data-embedded]:not(:has([data-testid="controls"])) [data-testid="sequence-diagram"] > p{display:none}`,
].join('');

export default function EmbedLayout({ children }: { children: ReactNode }) {
  return (
    <>
      {/* Before the figure paints, so theme=dark never flashes light. */}
      <script dangerouslySetInnerHTML={{ __html: EMBED_THEME_SCRIPT }} />
      <script dangerouslySetInnerHTML={{ __html: EARLY_MESSAGES_SCRIPT }} />
      <style dangerouslySetInnerHTML={{ __html: FIGURE_CSS }} />
      {children}
    </>
  );
}
