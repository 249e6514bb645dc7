// Moved to ./cache-set/pattern.ts; kept while tests still import this path.
export { pattern as cacheSet } from './cache-set/pattern';
