'use client';

import { BUTTON } from './buttonStyles';

const SHORTCUTS: Array<[string, string]> = [
  ['→ or K', 'Step forward'],
  ['← or J', 'Step back'],
  ['Space', 'Play / pause'],
  ['R', 'Reset to step 0'],
  ['?', 'Show or hide this list'],
  ['Enter on an arrow', 'Open its menu (arm a fault, read SQL)'],
  ['Esc', 'Close a menu'],
];

/** The keyboard shortcuts, behind a `?` button (and the `?` key). */
export function ShortcutHelp({ open, onToggle }: { open: boolean; onToggle: (open: boolean) => void }) {
  return (
    <div className="relative">
      <button
        type="button"
        className={BUTTON}
        aria-expanded={open}
        aria-controls="shortcut-help"
        aria-label="Keys: keyboard shortcuts (?)"
        onClick={() => onToggle(!open)}
        data-testid="shortcut-help-toggle"
      >
        <span aria-hidden="true" className="font-bold">
          ?
        </span>
        <span className="hidden lg:inline">Keys</span>
      </button>
      {open && (
        <div
          id="shortcut-help"
          role="dialog"
          aria-label="Keyboard shortcuts"
          className="absolute right-0 top-full z-40 mt-2 w-80 max-w-[calc(100vw-2rem)] rounded-lg border border-line bg-surface p-3 shadow-xl"
          onKeyDown={(event) => {
            if (event.key === 'Escape') onToggle(false);
          }}
        >
          <p className="mb-2 font-semibold">Keyboard shortcuts</p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            {SHORTCUTS.map(([keys, action]) => (
              <div key={keys} className="contents">
                <dt>
                  <kbd className="rounded border border-line bg-surface-2 px-1.5 font-mono">{keys}</kbd>
                </dt>
                <dd>{action}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </div>
  );
}
