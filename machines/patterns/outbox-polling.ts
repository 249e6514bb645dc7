// Moved to ./outbox-polling/pattern.ts; kept while tests still import this path.
export { pattern as outboxPolling } from './outbox-polling/pattern';
