// Moved to ./naive-broker-first/pattern.ts; kept while tests still import this path.
export { pattern as naiveBrokerFirst } from './naive-broker-first/pattern';
