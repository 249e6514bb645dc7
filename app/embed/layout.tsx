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
  // size=large is a projector, not a docs column: the presenter's frame fills the screen, so the
  // diagram takes the height left under the transport and narration, and the type is scaled up
  // where the screen has room for it (rem-based, so every panel follows).
  `html[data-size="large"]{font-size:112.5%}`,
  `@media (min-width:1100px) and (min-height:640px){html[data-size="large"]{font-size:125%}}`,
  `html[data-size="large"] [data-embedded] [data-testid="sequence-diagram"] > div:first-child{max-height:calc(100vh - 8rem);min-height:10rem}`,
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
