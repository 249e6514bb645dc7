// Moved to ./retry-in-catch/pattern.ts; kept while tests still import this path.
export { pattern as retryInCatch } from './retry-in-catch/pattern';
export * from './retry-in-catch/pattern';
