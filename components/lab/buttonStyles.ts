/** Shared class strings, so every control has the same size, contrast and focus ring. */
export const BUTTON =
  'inline-flex min-h-10 items-center justify-center gap-1.5 rounded-md border border-line bg-surface px-3 py-1.5 font-medium hover:bg-surface-2 disabled:cursor-not-allowed disabled:opacity-45';
export const BUTTON_PRIMARY =
  'inline-flex min-h-10 items-center justify-center gap-1.5 rounded-md border border-accent bg-accent px-4 py-1.5 font-semibold text-accent-fg hover:opacity-90 disabled:cursor-not-allowed disabled:opacity-45';
export const FIELD = 'min-h-10 rounded-md border border-line bg-surface px-2 py-1.5';
