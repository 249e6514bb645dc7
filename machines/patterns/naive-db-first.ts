// Moved to ./naive-db-first/pattern.ts; kept while tests still import this path.
export { pattern as naiveDbFirst } from './naive-db-first/pattern';
