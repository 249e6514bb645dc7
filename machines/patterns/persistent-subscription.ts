// Moved to ./persistent-subscription/pattern.ts; kept while tests still import this path.
export { pattern as persistentSubscription } from './persistent-subscription/pattern';
