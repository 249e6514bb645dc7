/**
 * "Choose by requirement": what each tickable requirement asks of a row of the comparison. Every
 * predicate reads only computed data (the matrix counts, the traits, the measures), so a row is
 * highlighted because its runs showed it, never because someone said so.
 */
import type { CompareRow, RowMeasures } from '../../machines/compare/types';

/** The part of a row the requirements read; a full CompareRow fits. */
export interface RequirementInputs {
  anomalies: CompareRow['anomalies'];
  traits: Pick<CompareRow['traits'], 'orderPerKey' | 'blocks'>;
  measures: Pick<RowMeasures, 'extraInfrastructure' | 'readYourWrites' | 'commitToEffectMs'>;
}

export const REQUIREMENT_IDS = [
  'never-lose',
  'no-duplicates-without-idempotency',
  'order-per-key',
  'no-extra-infrastructure',
  'read-your-writes',
  'never-blocks',
] as const;
export type RequirementId = (typeof REQUIREMENT_IDS)[number];

export const REQUIREMENTS: Record<RequirementId, { label: string; detail: string; meets: (row: RequirementInputs) => boolean }> = {
  'never-lose': {
    label: 'Never lose an event',
    detail: 'No run lost an event or invented one, idempotency off or on.',
    meets: (row) => row.anomalies['lost-event'].off + row.anomalies['lost-event'].on + row.anomalies['phantom-event'].off + row.anomalies['phantom-event'].on === 0,
  },
  'no-duplicates-without-idempotency': {
    label: 'No duplicates without an idempotent consumer',
    detail: 'No run applied an event twice with the idempotency switch off.',
    meets: (row) => row.anomalies['duplicate-effect'].off === 0,
  },
  'order-per-key': {
    label: 'Order per key',
    detail: "No run applied one order's events out of order (only rows whose consumer logs what it applied are judged).",
    meets: (row) => row.traits.orderPerKey,
  },
  'no-extra-infrastructure': {
    label: 'No extra infrastructure',
    detail: 'Nothing to operate beyond the service, Postgres, the broker and the consumer.',
    meets: (row) => row.measures.extraInfrastructure.length === 0,
  },
  'read-your-writes': {
    label: 'Read-your-writes',
    detail: 'The order is in the database by the time the client hears back.',
    meets: (row) => row.measures.readYourWrites,
  },
  'never-blocks': {
    label: 'Never blocks',
    detail: 'No run left a participant holding locks, waiting.',
    meets: (row) => !row.traits.blocks,
  },
};

/** Latency budgets the picker offers, in simulated milliseconds. */
export const LATENCY_BUDGETS_MS = [20, 100, 500, 1000] as const;

export interface RequirementChoice {
  ticked: ReadonlySet<RequirementId>;
  /** Commit-to-effect max must be within this many simulated ms; null for no budget. */
  latencyBudgetMs: number | null;
}

export const NO_REQUIREMENTS: RequirementChoice = { ticked: new Set(), latencyBudgetMs: null };

export function isChoosing(choice: RequirementChoice): boolean {
  return choice.ticked.size > 0 || choice.latencyBudgetMs !== null;
}

/** A row without a latency figure (no order reached downstream) cannot show it is within budget. */
export function withinLatencyBudget(row: RequirementInputs, budgetMs: number): boolean {
  const latency = row.measures.commitToEffectMs;
  return latency !== null && latency.max <= budgetMs;
}

/** The labels of the ticked requirements the row misses, in the picker's order; empty when it meets them all. */
export function missedRequirements(row: RequirementInputs, choice: RequirementChoice): string[] {
  const missed = REQUIREMENT_IDS.filter((id) => choice.ticked.has(id) && !REQUIREMENTS[id].meets(row)).map((id) => REQUIREMENTS[id].label);
  if (choice.latencyBudgetMs !== null && !withinLatencyBudget(row, choice.latencyBudgetMs)) missed.push(`latency within ${choice.latencyBudgetMs} ms`);
  return missed;
}

export function meetsAll(row: RequirementInputs, choice: RequirementChoice): boolean {
  return missedRequirements(row, choice).length === 0;
}

/** How a row stands against the current choice: nothing chosen, meets it all, or misses some. */
export interface RowStanding {
  state: 'neutral' | 'meets' | 'misses';
  missed: string[];
}

export function rowStanding(row: RequirementInputs, choice: RequirementChoice): RowStanding {
  if (!isChoosing(choice)) return { state: 'neutral', missed: [] };
  const missed = missedRequirements(row, choice);
  return { state: missed.length === 0 ? 'meets' : 'misses', missed };
}
