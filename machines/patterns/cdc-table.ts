// Moved to ./cdc-table/pattern.ts; kept while tests still import this path.
export { pattern as cdcTable } from './cdc-table/pattern';
