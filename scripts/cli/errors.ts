/** A problem with what the user typed: reported in one line with exit code 2, never with a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** `run` only: the run hit its step limit before every participant settled. */
export const EXIT_NOT_SETTLED = 3;

/**
 * The server named by --database-url cannot host the lab as it is (unreachable, not dedicated, a
 * setting missing): exit 2 like a bad argument, since the fix is in what the user points at, but
 * without the usage hint, and nothing on the server was touched.
 */
export class PreflightError extends Error {
  override name = 'PreflightError';
}
