/** Where a row of /compare can be linked to, from a lab page or a card: `/compare/#row-outbox-polling--id-cursor`. */
export function compareRowAnchor(pattern: string, variant: string): string {
  return `row-${pattern}--${variant}`;
}
