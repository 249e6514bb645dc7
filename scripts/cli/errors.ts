/** A problem with what the user typed: reported in one line with exit code 2, never with a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** `run` only: the run hit its step limit before every participant settled. */
export const EXIT_NOT_SETTLED = 3;
