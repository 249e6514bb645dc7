/**
 * A KurrentDB-like event store: named streams of events, each event with a revision in its stream
 * (0, 1, 2…) and a position in the global log (`$all`). An append names the revision the writer
 * expects the stream to be at; if another writer got there first the append is refused
 * (optimistic concurrency), and the writer must read again and decide again.
 *
 * The store is durable data, held here; whatever runs on it (a persistent subscription's server
 * side, a projection) is a process participant with its own statechart. Streams whose name starts
 * with `$` are the store's own (checkpoints, parked messages): they are not in `$all` reads and do
 * not wake subscribers.
 */
import { armedOneOf, type TraceSink } from '../kernel/traced-database';
import type { TableSnapshot } from '../kernel/types';
import type { AppendResult, EventData, EventStorePort, ExpectedRevision, RecordedEvent, StoreInternals } from '../kernel/ports/event-store';

export type { AppendResult, EventData, EventStorePort, ExpectedRevision, RecordedEvent, StoreInternals } from '../kernel/ports/event-store';

export const EVENT_STORE_PARTICIPANT = 'event-store';

export function isSystemStream(stream: string): boolean {
  return stream.startsWith('$');
}

function revisionText(revision: number | 'no-stream'): string {
  return revision === 'no-stream' ? 'no stream' : `revision ${revision}`;
}

function expectedText(expected: ExpectedRevision): string {
  return expected === 'any' ? 'any revision' : revisionText(expected);
}

/** A body cut short in transit: what a consumer's JSON.parse chokes on. */
function corrupt(data: string): string {
  return data.slice(0, Math.max(1, Math.floor(data.length / 2)));
}

export class EventStore {
  readonly #log: RecordedEvent[] = [];
  /** group → event id → deliveries: the lab's record of what reached each group, not the store's. */
  readonly #deliveries = new Map<string, Map<string, number>>();

  /** Called after every append to a user stream, so waiting subscribers wake up. */
  constructor(private readonly onAppend: () => void = () => {}) {}

  /** Every event, system streams included, in log order. */
  all(): readonly RecordedEvent[] {
    return this.#log;
  }

  /** Events of user streams only, in log order. */
  userEvents(): RecordedEvent[] {
    return this.#log.filter((e) => !isSystemStream(e.stream));
  }

  stream(name: string): RecordedEvent[] {
    return this.#log.filter((e) => e.stream === name);
  }

  get used(): boolean {
    return this.#log.length > 0;
  }

  lastRevision(stream: string): number | 'no-stream' {
    const events = this.stream(stream);
    return events.length === 0 ? 'no-stream' : events.at(-1)!.revision;
  }

  /** Counts one delivery of an event to a subscriber group (a persistent subscription's push). */
  recordDelivery(group: string, eventId: string): number {
    const counts = this.#deliveries.get(group) ?? new Map<string, number>();
    const n = (counts.get(eventId) ?? 0) + 1;
    counts.set(eventId, n);
    this.#deliveries.set(group, counts);
    return n;
  }

  deliveries(group: string): ReadonlyMap<string, number> {
    return this.#deliveries.get(group) ?? new Map();
  }

  /** The global log as a table for the live views. */
  inspection(options: { includeSystem?: boolean } = {}): TableSnapshot {
    const events = options.includeSystem ? this.#log : this.userEvents();
    return {
      name: 'event store ($all)',
      note: 'Every event in the store, in global order; the revision is its place in its own stream.',
      columns: ['position', 'stream', 'revision', 'type', 'event_id', 'data'],
      rows: events.map((e) => ({ position: e.position, stream: e.stream, revision: e.revision, type: e.type, event_id: e.eventId, data: e.data })),
    };
  }

  #append(stream: string, events: EventData[], at: number): RecordedEvent[] {
    const last = this.lastRevision(stream);
    const first = last === 'no-stream' ? 0 : last + 1;
    const recorded = events.map((e, i) => ({ ...e, stream, revision: first + i, position: this.#log.length + i, recordedAt: at }));
    this.#log.push(...recorded);
    return recorded;
  }

  /** For the store's own bookkeeping (checkpoints, parked messages): no expected revision, no faults. */
  appendSystem(sink: TraceSink, stream: string, events: EventData[], at: number): RecordedEvent[] {
    const recorded = this.#append(stream, events, at);
    sink.markMutation();
    return recorded;
  }

  internals(sink: TraceSink, now: number): StoreInternals {
    return {
      appendSystem: (stream, events) => this.appendSystem(sink, stream, events, now),
      recordDelivery: (group, eventId) => this.recordDelivery(group, eventId),
      stream: (name) => this.stream(name),
      userEvents: () => this.userEvents(),
    };
  }

  port(sink: TraceSink, now: number): EventStorePort {
    const emit = sink.emit;
    const to = EVENT_STORE_PARTICIPANT;
    return {
      append: (stream, events, expected) => {
        const types = events.map((e) => e.type).join(', ');
        const label = `append ${types} → ${stream} (expect ${expectedText(expected)})`;
        // These two strike any call; a malformed body or a lost ack only a call that writes (below).
        const refusal = armedOneOf(sink, ['broker-unavailable', 'publish-timeout-lost']);
        if (refusal) {
          sink.strike();
          emit({ from: sink.actor, to, kind: 'append', label, ok: false, fault: refusal });
          const error = refusal.kind === 'broker-unavailable' ? 'event store unavailable' : 'request timed out';
          emit({ from: to, to: sink.actor, kind: 'error', label: error, ok: false, fault: refusal });
          return { ok: false, reason: refusal.kind === 'broker-unavailable' ? 'unavailable' : 'timeout', error, stored: null };
        }
        const existing = this.stream(stream);
        // Appending events the stream already has (same ids) succeeds without writing them again:
        // that is what makes retrying an append whose answer was lost safe.
        if (events.length > 0 && events.every((e) => existing.some((x) => x.eventId === e.eventId))) {
          const already = existing.filter((x) => events.some((e) => e.eventId === x.eventId));
          emit({ from: sink.actor, to, kind: 'append', label, ok: true });
          emit({ from: to, to: sink.actor, kind: 'reply', label: `already appended: ${stream}@${already.map((e) => e.revision).join(',')} (no new write)`, ok: true });
          return { ok: true, events: already, nextRevision: already.at(-1)!.revision, deduplicated: true };
        }
        const actual = this.lastRevision(stream);
        if (expected !== 'any' && expected !== actual) {
          emit({ from: sink.actor, to, kind: 'append', label, ok: false });
          const error = `WrongExpectedVersion: expected ${expectedText(expected)}, stream is at ${revisionText(actual)}`;
          emit({ from: to, to: sink.actor, kind: 'error', label: error, ok: false });
          return { ok: false, reason: 'wrong-expected-revision', error, actualRevision: actual, stored: null };
        }
        const malformed = sink.armed('malformed-event');
        if (malformed) sink.strike();
        const written = malformed ? events.map((e, i) => (i === 0 ? { ...e, data: corrupt(e.data) } : e)) : events;
        const recorded = this.#append(stream, written, now);
        sink.markMutation();
        if (!isSystemStream(stream)) this.onAppend();
        emit({ from: sink.actor, to, kind: 'append', label, ok: true, ...(malformed ? { fault: malformed } : {}) });
        const where = `${stream}@${recorded.map((e) => e.revision).join(',')}, position ${recorded.map((e) => e.position).join(',')}`;
        const ackLost = sink.armed('publish-timeout-stored');
        if (ackLost) {
          sink.strike();
          emit({ from: to, to: sink.actor, kind: 'error', label: `ack lost: timed out (stored at ${where})`, ok: false, fault: ackLost });
          return { ok: false, reason: 'timeout', error: 'request timed out', stored: recorded };
        }
        emit({ from: to, to: sink.actor, kind: 'reply', label: `appended ${where}`, ok: true });
        return { ok: true, events: recorded, nextRevision: recorded.at(-1)!.revision, deduplicated: false };
      },

      readStream: (stream, fromRevision = 0) => {
        const events = this.stream(stream).filter((e) => e.revision >= fromRevision);
        emit({ from: sink.actor, to, kind: 'read', label: `read ${stream}${fromRevision > 0 ? ` from revision ${fromRevision}` : ''}`, ok: true });
        emit({
          from: to,
          to: sink.actor,
          kind: 'reply',
          label: events.length === 0 ? (fromRevision === 0 ? 'stream not found' : 'no new events') : `${events.length} event${events.length === 1 ? '' : 's'}: ${events.map((e) => e.type).join(', ')}`,
          ok: true,
        });
        return events;
      },

      readAll: (fromPosition = 0, max = Infinity) => {
        const events = this.userEvents()
          .filter((e) => e.position >= fromPosition)
          .slice(0, max);
        emit({ from: sink.actor, to, kind: 'read', label: `read $all from position ${fromPosition}`, ok: true });
        emit({
          from: to,
          to: sink.actor,
          kind: 'reply',
          label: events.length === 0 ? 'no new events' : events.map((e) => `${e.type} ${e.stream}@${e.revision}`).join(', '),
          ok: true,
        });
        return events;
      },
    };
  }
}
