// Moved to ./listen-to-yourself/pattern.ts; kept while tests still import this path.
export { pattern as listenToYourself } from './listen-to-yourself/pattern';
export * from './listen-to-yourself/pattern';
