/**
 * A pattern's anomaly profile: per variant, which anomalies some single-fault run produces with the
 * consumer's idempotency switch off and with it on, and whether every run settles. Each pattern
 * writes its own down as data (machines/patterns/<id>/profile.ts) and its test file checks it,
 * as sets, against the one exploration of that pattern.
 */
import type { ExploredPattern } from '../kernel/explore';
import { ANOMALY_IDS, type AnomalyId } from '../kernel/vocabulary';

export interface VariantProfile {
  /** Every anomaly some single-fault run (or the fault-free one) produces with idempotency off. */
  off: readonly AnomalyId[];
  /** The same with the consumer's idempotency switch on. */
  on: readonly AnomalyId[];
  /** `not-always` when some run stops at its step limit instead of settling. */
  settles: 'always' | 'not-always';
}

/** Keyed by variant id: exactly the pattern's variants, `default` among them. */
export type AnomalyProfile = Readonly<Record<string, VariantProfile>>;

/** In vocabulary order, so two profiles with the same sets print the same. */
function inVocabularyOrder(anomalies: Iterable<AnomalyId>): AnomalyId[] {
  const present = new Set(anomalies);
  return ANOMALY_IDS.filter((id) => present.has(id));
}

/** The profile an exploration shows, for the variants it ran. */
export function observedProfile(explored: ExploredPattern): AnomalyProfile {
  const variants = [...new Set(explored.runs.map((r) => r.variant))];
  return Object.fromEntries(
    variants.map((variant) => {
      const runs = explored.runs.filter((r) => r.variant === variant);
      const seen = (idempotent: boolean) => inVocabularyOrder(runs.filter((r) => r.idempotentConsumer === idempotent).flatMap((r) => r.anomalies));
      return [variant, { off: seen(false), on: seen(true), settles: runs.every((r) => r.settled) ? 'always' : 'not-always' }];
    }),
  );
}

/** A written profile in the same normal form, so comparing two is comparing sets. */
export function normalisedProfile(profile: AnomalyProfile): AnomalyProfile {
  return Object.fromEntries(
    Object.entries(profile).map(([variant, p]) => [variant, { off: inVocabularyOrder(p.off), on: inVocabularyOrder(p.on), settles: p.settles }]),
  );
}
