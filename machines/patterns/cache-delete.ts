// Moved to ./cache-delete/pattern.ts; kept while tests still import this path.
export { pattern as cacheDelete } from './cache-delete/pattern';
