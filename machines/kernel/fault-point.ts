/**
 * Fault points name an operation by who does it and how many times it has done it so far:
 * `relay.mark:2` is the relay's second "mark published". Naming by occurrence rather than by step
 * number keeps a point meaningful when an earlier fault changes what happens before it.
 */

export interface ParsedFaultPoint {
  actor: string;
  operation: string;
  occurrence: number;
  canonical: string;
}

export function faultPoint(actor: string, operation: string, occurrence: number): string {
  return `${actor}.${operation}:${occurrence}`;
}

/** Accepts `actor.operation` (first occurrence) or `actor.operation:n`; an actor may be numbered (`relay-2`). Throws on anything else. */
export function parseFaultPoint(text: string): ParsedFaultPoint {
  const match = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.([a-z]+(?:-[a-z]+)*)(?::([1-9][0-9]*))?$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a fault point (actor.operation or actor.operation:n)`);
  const [, actor, operation, n] = match as unknown as [string, string, string, string | undefined];
  const occurrence = n ? Number(n) : 1;
  return { actor, operation, occurrence, canonical: faultPoint(actor, operation, occurrence) };
}
