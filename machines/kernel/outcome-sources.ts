/**
 * What the checker reads, as adapters a pattern supplies: the source of truth, what downstream
 * could have received and what it applied, the reads a cache served. The detectors know these
 * shapes only, so no table name, cache key format or consumer group is written into the kernel;
 * the shared adapters live in machines/actors/outcome-sources.ts.
 */
import type { ServedRead, HeldEntry } from './detectors/stale-cache';
import type { SqlRunner } from './traced-database';
import type { Evidence } from './types';

/** An event as downstream could receive it (a topic's message, a stream's event), with its deliveries. */
export interface DeliveredEvent {
  ref: string;
  eventId: string;
  eventType: string;
  orderId: number;
  /** Row-change events only: create, update or delete. */
  op?: 'c' | 'u' | 'd';
  /** How many times downstream's consumer got it. */
  deliveries: number;
}

/** One effect downstream applied (a shipment row). */
export interface AppliedEffect {
  id: number;
  orderId: number;
  eventId: string;
  /** False once downstream undid it (a cancelled shipment); only where effects can be undone. */
  active: boolean;
}

/** One event a consumer applied, in its own log, with where the source put it. */
export interface AppliedLogEntry {
  seq: number;
  eventId: string;
  key: string;
  eventType: string;
  /** The source's own order (an outbox row id); null where it has none. */
  sourceSeq: number | null;
}

/** Something prepared under a global transaction and still in doubt outside Postgres (at the broker). */
export interface InDoubtElsewhere {
  gid: string;
  evidence: Evidence;
}

export interface TruthSource {
  /** Orders the source of truth holds, ascending. */
  orders(): Promise<number[]>;
  /** `table`: rows of `table` (`service.orders`); `event-store`: orders with an OrderPlaced event. */
  kind: 'table' | 'event-store';
  table?: string;
}

interface CommonSources {
  truth: TruthSource;
  /** Prepared transactions still in doubt outside Postgres. */
  inDoubt?(): InDoubtElsewhere[];
  /** A consumer's log of applied events and the table it is in, where it keeps one (for out-of-order). */
  appliedLog?(): Promise<{ table: string; entries: AppliedLogEntry[] } | null>;
}

/** Downstream is a consumer that applies effects from delivered events. */
export interface EffectsSources extends CommonSources {
  downstream: 'effects';
  deliverable(): DeliveredEvent[];
  /** The table the effects are in, for evidence (`consumer.shipments`). */
  effectsTable: string;
  effects(): Promise<AppliedEffect[]>;
}

/** How a cache's keys and values map onto the source of truth: given by the pattern that knows its key format. */
export interface CacheKeys {
  /** The version the source of truth holds now for every key the cache may hold. */
  versions(runner: SqlRunner): Promise<Map<string, number>>;
  /** The version a cached value carries; null for a value the lab cannot read. */
  versionOf(value: string): number | null;
  /** The order a key caches: names the anomaly ("order 1") and ties struck faults to it. */
  orderOf(key: string): number | null;
}

/** Downstream is a cache whose every served read is judged against the truth at the time. */
export interface CacheSources extends CommonSources, CacheKeys {
  downstream: 'cache';
  reads(): readonly ServedRead[];
  live(now: number): readonly HeldEntry[];
}

/**
 * One participant's local effect for an order in a saga: a stock reservation, a payment charge.
 * Each row is one effect; `requests` counts how many commands asked for it (a retried command
 * that carries the same idempotency key lands on the same row).
 */
export interface ParticipantEffect {
  /** e.g. `payment.charges id=2` */
  ref: string;
  /** Who holds it: `stock`, `payment`. */
  participant: string;
  /** What it is, in words: `a stock reservation`, `a charge of 12.50 EUR`. */
  what: string;
  orderId: number;
  /** Still in force (reserved, charged); false once a compensation undid it (released, refunded). */
  held: boolean;
  requests: number;
}

/** Where an order's saga ended, as the order service's table says. */
export interface SagaOrder {
  orderId: number;
  /** The row, for evidence: `service.orders id=1`. */
  ref: string;
  /** The order's status as stored (PENDING, CONFIRMED, CANCELLED). */
  status: string;
  /** Confirmed: every participant must hold its effect. Cancelled: none may. Null: still open. */
  fate: 'confirmed' | 'cancelled' | null;
}

/**
 * Downstream is a set of saga participants, each with its own database: after the run, every
 * order must be confirmed with every participant's effect held, or cancelled with none held.
 */
export interface SagaSources extends CommonSources {
  downstream: 'saga';
  /** The participants a confirmed order needs an effect from, in saga order. */
  participants: readonly string[];
  sagaOrders(): Promise<SagaOrder[]>;
  effects(): Promise<ParticipantEffect[]>;
}

export type OutcomeSources = EffectsSources | CacheSources | SagaSources;
