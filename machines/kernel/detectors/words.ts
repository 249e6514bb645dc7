/**
 * How outcomes name things, shared by the detectors: counts in words, and the clause that ties an
 * anomaly to the faults that struck. Causes are found through each step's facts (the orders it
 * concerned), never by reading captions; the caption is only quoted.
 */
import type { StepRecord } from '../types';

export function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

export function delivered(n: number): string {
  return n === 0 ? 'never delivered' : `delivered ${times(n)}`;
}

export function lowerFirstWord(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * The struck faults that concern this order (or every struck fault when none does), as a clause
 * to append after a colon; empty when nothing struck.
 */
export function causeOf(steps: readonly StepRecord[], orderId: number | null): string {
  const struck = steps.filter((s) => s.struck);
  if (struck.length === 0) return '';
  const mentions = orderId === null ? [] : struck.filter((s) => s.facts.orders.includes(orderId));
  const chosen = mentions.length > 0 ? mentions : struck;
  const clauses = chosen.map((s) => `${lowerFirstWord(s.caption.replace(/\.$/, ''))} (step ${s.index})`);
  return `: ${clauses.join('; ')}`;
}
