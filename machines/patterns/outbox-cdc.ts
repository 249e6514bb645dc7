// Moved to ./outbox-cdc/pattern.ts; kept while tests still import this path.
export { pattern as outboxCdc } from './outbox-cdc/pattern';
