/**
 * A table of figures in a box of its own that scrolls sideways when the screen is narrow; the box
 * takes focus so that scroll works from the keyboard too. The caption, which says what the table
 * holds and where it was measured, sits above the box: inside, it would be as wide as the table
 * and scroll out of view.
 */
import type { ReactNode } from 'react';

export const HEAD = 'border-b border-line px-3 py-2 text-left align-bottom font-semibold';
export const HEAD_NUMBER = `${HEAD} text-right`;
export const CELL = 'border-t border-line px-3 py-2 align-top';
export const CELL_NUMBER = `${CELL} whitespace-nowrap text-right tabular-nums`;

export function FigureTable({
  id,
  caption,
  testId,
  narrow = false,
  children,
}: {
  id: string;
  caption: ReactNode;
  testId?: string;
  /** A table of a few columns, kept readable on a wide screen instead of stretched across it. */
  narrow?: boolean;
  children: ReactNode;
}) {
  const captionId = `${id}-caption`;
  return (
    <div className={narrow ? 'max-w-2xl' : undefined} data-testid={testId}>
      <p id={captionId} className="mb-2 text-sm text-muted">
        {caption}
      </p>
      <div role="region" aria-labelledby={captionId} tabIndex={0} className="overflow-x-auto rounded-lg border border-line bg-surface">
        <table aria-labelledby={captionId} className="w-full border-collapse text-sm">
          {children}
        </table>
      </div>
    </div>
  );
}
