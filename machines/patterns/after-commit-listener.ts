// Moved to ./after-commit-listener/pattern.ts; kept while tests still import this path.
export { pattern as afterCommitListener } from './after-commit-listener/pattern';
