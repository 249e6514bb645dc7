/**
 * What the pages need to know about a pattern before anything runs: plain data, no PGlite and no
 * statecharts, so a page can import it without pulling the simulation into its bundle.
 */
import type { AnomalyId, PatternId } from './vocabulary';
import type { Participant } from './types';

export interface VariantInfo {
  id: string;
  label: string;
  summary: string;
  /** The worst thing a single fault can do to this form of the pattern (checked against `explore`). */
  worstAnomaly: AnomalyId | 'none';
}

export interface PatternInfo {
  id: PatternId;
  title: string;
  /** One line: what the pattern promises. */
  promise: string;
  /**
   * The worst thing a single fault can do to its default form (variant `default`), the one the
   * landing card shows; each variant states its own (checked by the tests against `explore`).
   */
  worstAnomaly: AnomalyId | 'none';
  participants: Participant[];
  variants: VariantInfo[];
  /** Whether a consumer exists, so the idempotency switch means something. */
  hasConsumer: boolean;
  /**
   * Where the idempotency switch is not a consumer's own (a saga's participants dedupe by the key
   * each retry carries): what the switch is called, and what turning it on does, in a sentence.
   */
  idempotencySwitch?: { label: string; turnedOn: string };
  /** The story's requests are scripted (the cache patterns): adding orders would change nothing. */
  scriptedRequests?: boolean;
  /** Where the pattern comes in the lab's story (the landing page's order): lower first. */
  order: number;
  /**
   * Who can be faulted, and at which operations: the `actor.operation` half of a fault point, the
   * union over the variants. The page checks a link's faults against it without loading the
   * statecharts, so `crash@relya.mark` is reported as a typo; a test derives the same table from
   * the statecharts and fails when the two drift.
   */
  faultTargets: FaultTargets;
}

/** Each actor that can be faulted, with the operations it performs. */
export type FaultTargets = Readonly<Record<string, readonly string[]>>;
