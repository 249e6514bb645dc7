/**
 * The pieces the comparison's tables share: a scroll container that keyboard users can scroll, a
 * row per pattern that heads its variants, and the sticky variant header that carries a row's
 * standing against the chosen requirements (highlighted, or dimmed but still there).
 */
import type { ReactNode } from 'react';
import type { RowStanding } from './requirements';

const NEUTRAL: RowStanding = { state: 'neutral', missed: [] };

/**
 * Wide tables scroll inside their own box, so the page itself never scrolls sideways. How to read
 * the table sits above the box: inside it, a caption would be as wide as the table and scroll away.
 */
export function ScrollTable({ id, legend, testId, children }: { id: string; legend: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <>
      <p id={`${id}-legend`} className="mb-2 max-w-4xl text-sm text-muted">
        {legend}
      </p>
      {/* A focusable region, so the sideways scroll is reachable without a mouse; `relative` keeps the
          screen-reader-only text of far-right cells inside the scroll box instead of widening the page. */}
      <div
        role="region"
        aria-labelledby={`${id}-caption`}
        aria-describedby={`${id}-legend`}
        tabIndex={0}
        data-testid={testId}
        className="relative overflow-x-auto rounded-lg border border-line bg-surface"
      >
        {children}
      </div>
    </>
  );
}

/** The table's name for assistive technology; the legend above the table says it visibly. */
export function Caption({ id, children }: { id: string; children: ReactNode }) {
  return (
    <caption id={`${id}-caption`} className="sr-only">
      {children}
    </caption>
  );
}

/** Classes of the sticky top-left header cell. */
export const CORNER_CELL = 'sticky left-0 z-20 min-w-[9.5rem] max-w-[15rem] border-b border-line bg-surface px-3 py-2 text-left align-bottom font-semibold sm:min-w-[12rem]';

export const COLUMN_HEADER = 'border-b border-line px-2 py-2 align-bottom text-sm font-semibold';

/** A pattern's title over its variants; the title stays in view while the table scrolls sideways. */
export function GroupHeaderRow({ title, columns }: { title: string; columns: number }) {
  return (
    <tr className="bg-surface-2">
      <th scope="rowgroup" colSpan={columns} className="border-t border-line p-0 text-left">
        {/* At most the visible width, so a long title wraps instead of running out of view. */}
        <span className="sticky left-0 inline-block max-w-[calc(100vw-2.5rem)] bg-surface-2 px-3 pb-1 pt-2 font-semibold">{title}</span>
      </th>
    </tr>
  );
}

export function rowClasses(standing: RowStanding): string {
  return standing.state === 'meets' ? 'bg-hl' : '';
}

/** The variant's header cell, with the row's standing in words (never by colour alone). */
export function VariantHeader({ label, isDefault, standing = NEUTRAL }: { label: string; isDefault: boolean; standing?: RowStanding }) {
  const background = standing.state === 'meets' ? 'bg-hl shadow-[inset_5px_0_0_var(--ok)]' : 'bg-surface';
  const text = standing.state === 'misses' ? 'text-muted' : '';
  return (
    <th
      scope="row"
      title={standing.state === 'misses' ? `Misses: ${standing.missed.join(', ')}` : undefined}
      className={`sticky left-0 z-10 min-w-[9.5rem] max-w-[15rem] border-t border-line px-3 py-2 text-left align-top text-sm font-medium sm:min-w-[12rem] ${background} ${text}`}
    >
      <span className="block">{label}</span>
      {isDefault && <span className="text-xs font-normal text-muted">default form</span>}
      {standing.state === 'meets' && (
        <span className="block text-xs font-semibold text-ok">
          <span aria-hidden="true">✓ </span>meets all ticked
        </span>
      )}
      {standing.state === 'misses' && <span className="sr-only">, misses {standing.missed.join(', ')}</span>}
    </th>
  );
}
