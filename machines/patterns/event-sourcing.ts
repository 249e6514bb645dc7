// Moved to ./event-sourcing/ (pattern.ts and the files beside it); kept while tests still import this path.
export { pattern as eventSourcing, pattern, COMMANDS_AFTER_MS, eventSourcingScript } from './event-sourcing/pattern';
export * from './event-sourcing/domain';
export * from './event-sourcing/service';
export * from './event-sourcing/projector';
export * from './event-sourcing/shipping-subscriber';
export * from './event-sourcing/operator';
