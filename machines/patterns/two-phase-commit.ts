// Moved to ./two-phase-commit/pattern.ts; kept while tests still import this path.
export { pattern as twoPhaseCommit } from './two-phase-commit/pattern';
