/**
 * What to try next, worked out from the run's own outcome and the pattern's data, never from
 * prose written per run: turn on the idempotent consumer when the harm is a duplicate effect,
 * switch to a variant whose worst single fault cannot cause what this run showed (or that one
 * fault can break, after a clean run), arm a fault known to break a clean run.
 * Every suggestion is a whole scenario, so the page links to it like any other lab link.
 */
import type { PatternInfo, VariantInfo } from '../kernel/pattern-info';
import { scenarioToQuery } from '../kernel/scenario';
import type { Outcome, Scenario } from '../kernel/types';
import { ANOMALY_DESCRIPTIONS, ANOMALY_SEVERITY, FAULT_DESCRIPTIONS, type AnomalyId } from '../kernel/vocabulary';
import { breakingFault } from './breaking-faults';

export type SuggestionKind = 'idempotent-consumer' | 'fixing-variant' | 'breaking-variant' | 'breaking-fault';

export interface Suggestion {
  kind: SuggestionKind;
  /** The action, short: the link's text. */
  action: string;
  /** Why it is worth trying, from the data behind it. */
  why: string;
  scenario: Scenario;
}

/** At most this many, so the panel stays a hint and not a menu. */
const MAX_SUGGESTIONS = 3;

/** Position in the severity order: 0 is the worst; `none` ranks after every anomaly. */
function rank(anomaly: AnomalyId | 'none'): number {
  return anomaly === 'none' ? ANOMALY_SEVERITY.length : ANOMALY_SEVERITY.indexOf(anomaly);
}

function label(anomaly: AnomalyId | 'none'): string {
  return anomaly === 'none' ? 'nothing' : ANOMALY_DESCRIPTIONS[anomaly].label.toLowerCase();
}

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

export function suggestNext(pattern: PatternInfo, scenario: Scenario, outcome: Outcome): Suggestion[] {
  // Without a verdict there is nothing to build on: the panel already says the run did not settle.
  if (!outcome.settled || scenario.pattern !== pattern.id) return [];
  const current = pattern.variants.find((v) => v.id === scenario.variant);
  const found = [...new Set(outcome.anomalies.map((a) => a.id))];
  const suggestions = found.length > 0 ? afterHarm(pattern, scenario, found) : afterCleanRun(pattern, scenario, current);
  return suggestions.slice(0, MAX_SUGGESTIONS);
}

function afterHarm(pattern: PatternInfo, scenario: Scenario, found: AnomalyId[]): Suggestion[] {
  const suggestions: Suggestion[] = [];
  if (found.includes('duplicate-effect') && pattern.hasConsumer && !scenario.idempotentConsumer) {
    suggestions.push({
      kind: 'idempotent-consumer',
      action: pattern.idempotencySwitch ? `Turn on “${pattern.idempotencySwitch.label}”` : 'Turn on the idempotent consumer',
      why: pattern.idempotencySwitch?.turnedOn ?? 'The consumer then records each event id in the same transaction as its effect, so a redelivered event is applied once.',
      scenario: { ...scenario, idempotentConsumer: true },
    });
  }
  // A variant's worst single-fault anomaly bounds what any one fault can do to it: when every
  // anomaly of this run ranks above that worst, none of them can happen there. With two faults
  // armed the bound says nothing, so no variant is offered as a fix.
  if (scenario.faults.length <= 1) {
    const leastSevereFound = Math.max(...found.map(rank));
    for (const variant of pattern.variants) {
      if (variant.id === scenario.variant || rank(variant.worstAnomaly) <= leastSevereFound) continue;
      suggestions.push({
        kind: 'fixing-variant',
        action: `Switch to the variant “${variant.label}”`,
        why: `The worst any single fault does to it is ${label(variant.worstAnomaly)}, so ${list(found.map(label))} cannot happen there.`,
        scenario: { ...scenario, variant: variant.id },
      });
    }
  }
  return suggestions;
}

function afterCleanRun(pattern: PatternInfo, scenario: Scenario, current: VariantInfo | undefined): Suggestion[] {
  const suggestions: Suggestion[] = [];
  const known = breakingFault(pattern.id, scenario.variant);
  const alreadyArmed = known && scenario.faults.some((f) => f.kind === known.fault.kind && f.at === known.fault.at);
  if (known && !alreadyArmed) {
    suggestions.push({
      kind: 'breaking-fault',
      action: `Arm “${FAULT_DESCRIPTIONS[known.fault.kind].label}” at ${known.fault.at}`,
      why: `${scenario.faults.length > 0 ? 'The fault armed here did no harm. ' : ''}In this form's default run that one fault leads to ${label(known.shows)}.`,
      // Seed and orders of the run the entry was checked with, so the link shows what it promises.
      scenario: { ...scenario, faults: [known.fault], seed: 1, orders: [0, 40], idempotentConsumer: false },
    });
  }
  const currentRank = rank(current?.worstAnomaly ?? 'none');
  for (const variant of pattern.variants) {
    if (variant.id === scenario.variant || rank(variant.worstAnomaly) >= currentRank) continue;
    suggestions.push({
      kind: 'breaking-variant',
      action: `Switch to the variant “${variant.label}”`,
      why: `One fault can cause ${label(variant.worstAnomaly)} there${current ? `, worse than the ${label(current.worstAnomaly)} one fault can cause here` : ''}.`,
      scenario: { ...scenario, variant: variant.id },
    });
  }
  return suggestions;
}

/** The lab page's link to a suggested scenario (from its first step). */
export function suggestionHref(suggestion: Suggestion): string {
  const query = new URLSearchParams(scenarioToQuery(suggestion.scenario)).toString();
  return `/patterns/${suggestion.scenario.pattern}/${query ? `?${query}` : ''}`;
}
