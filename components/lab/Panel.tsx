import type { ReactNode } from 'react';

/** The framed box every view sits in, with a heading so screen readers can jump between views. */
export function Panel({
  title,
  testId,
  children,
  aside,
  className = '',
  titleHidden = false,
}: {
  title: string;
  /** Kept for screen readers only, where the view speaks for itself and height is short (a projector). */
  titleHidden?: boolean;
  testId?: string;
  children: ReactNode;
  aside?: ReactNode;
  className?: string;
}) {
  return (
    <section data-testid={testId} className={`min-w-0 rounded-lg border border-line bg-surface p-3 sm:p-4 ${className}`} aria-label={title}>
      <div className={titleHidden && !aside ? 'sr-only' : 'mb-2 flex flex-wrap items-baseline justify-between gap-2'}>
        <h2 className={titleHidden ? 'sr-only' : 'text-base font-semibold'}>{title}</h2>
        {aside}
      </div>
      {children}
    </section>
  );
}
