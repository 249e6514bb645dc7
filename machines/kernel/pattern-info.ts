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
  /** Tables shown in the live views, schema-qualified. */
  tables: string[];
  /** Whether a consumer exists, so the idempotency switch means something. */
  hasConsumer: boolean;
  /** The story's requests are scripted (the cache patterns): adding orders would change nothing. */
  scriptedRequests?: boolean;
}
