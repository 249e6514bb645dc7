/**
 * The process protocol every process participant follows: it can crash just before any operation
 * (the kernel sends `CRASH`, the statechart goes to `crashed`), and it comes back after a
 * simulated moment with nothing in memory (its restart operation answers `RESTARTED`). What
 * survives a crash is only what it had written to Postgres, the broker or the event store.
 */

export const CRASHED_STATE = 'crashed';

export const CRASH_EVENT = { type: 'CRASH' } as const;
export const RESTARTED_EVENT = { type: 'RESTARTED' } as const;

/** "Outbox relay" → "outbox relay", for captions that name a participant mid-sentence. */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
