/**
 * One line on what a row costs and risks, for a landing card: drawn from the same row the /compare
 * page shows, so the card and the matrix cannot disagree.
 */
import type { CompareRow } from './types';

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

export function tradeOffLine(row: CompareRow): string {
  const { traits, measures } = row;
  const parts: string[] = [];
  if (traits.losesOrInvents) parts.push(row.anomalies['lost-event'].off > 0 ? 'can lose events' : 'can invent events');
  else if (row.hasConsumer) parts.push('never loses an event');
  if (traits.blocks) parts.push('can block');
  if (traits.needsIdempotentConsumer) parts.push('needs an idempotent consumer');
  if (row.anomalies['stale-cache'].off > 0) parts.push('readers can get stale values');
  if (measures.commitToEffectMs) parts.push(`${ms(measures.commitToEffectMs.median)} to ${measures.effect === 'cache' ? 'a fresh cache' : measures.effect === 'confirmation' ? 'the confirmed order' : 'the effect'} (simulated)`);
  if (measures.extraInfrastructure.length > 0) parts.push(`runs ${measures.extraInfrastructure.length === 1 ? `an ${measures.extraInfrastructure[0]!.toLowerCase()}`.replace(/^an ([^aeiou])/, 'a $1') : `${measures.extraInfrastructure.length} extra parts`}`);
  const growing = measures.growingTables.filter((t) => t.table !== 'consumer.processed_events');
  if (growing.length > 0) parts.push(`${growing.map((t) => t.table.split('.')[1]).join(', ')} needs housekeeping`);
  const line = parts.join(' · ');
  return line.charAt(0).toUpperCase() + line.slice(1);
}
