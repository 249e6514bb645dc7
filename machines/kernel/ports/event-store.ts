/**
 * What a process can ask of a KurrentDB-like event store during one of its operations: the
 * contract the event store component (machines/actors/event-store.ts) implements.
 */

export interface EventData {
  eventId: string;
  type: string;
  /** The body, JSON text. A `malformed-event` fault stores a body cut short instead. */
  data: string;
  /** The order the event concerns: the checker's key into the source of truth. */
  orderId: number;
}

export interface RecordedEvent extends EventData {
  stream: string;
  revision: number;
  /** Place in the global log, from 0. */
  position: number;
  recordedAt: number;
}

/** What a writer expects: the stream's last revision, that it does not exist yet, or anything. */
export type ExpectedRevision = number | 'no-stream' | 'any';

export type AppendResult =
  | { ok: true; events: RecordedEvent[]; nextRevision: number; deduplicated: boolean }
  | { ok: false; reason: 'wrong-expected-revision'; error: string; actualRevision: number | 'no-stream'; stored: null }
  /** `stored` tells whether the log really holds the events, whatever the caller was told. */
  | { ok: false; reason: 'unavailable' | 'timeout'; error: string; stored: RecordedEvent[] | null };

/** The calls a participant makes on the store during one operation; each shows in the trace. */
export interface EventStorePort {
  append(stream: string, events: EventData[], expected: ExpectedRevision): AppendResult;
  /** A stream's events from a revision on (all of them by default). */
  readStream(stream: string, fromRevision?: number): RecordedEvent[];
  /** Events of every user stream from a global position on, at most `max`. */
  readAll(fromPosition?: number, max?: number): RecordedEvent[];
}

/**
 * For participants that run inside the store itself (a persistent subscription's server side):
 * its own bookkeeping streams, and the lab's count of deliveries per subscriber group.
 */
export interface StoreInternals {
  appendSystem(stream: string, events: EventData[]): RecordedEvent[];
  recordDelivery(group: string, eventId: string): number;
  stream(name: string): RecordedEvent[];
  userEvents(): RecordedEvent[];
}
