/** What each table is to the measures, read from content/compare/housekeeping.json and checked. */
import { z } from 'zod';
import type { Housekeeping, TableRole } from './measures';

const role = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('business') }),
  z.strictObject({ role: z.literal('instrument') }),
  z.strictObject({ role: z.literal('bookkeeping'), housekeeping: z.string().trim().min(1).max(300) }),
]);
const fileSchema = z.strictObject({ tables: z.record(z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'schema.table'), role) });

export function parseHousekeeping(json: unknown): Housekeeping {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`content/compare/housekeeping.json: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return new Map(Object.entries(parsed.data.tables) as [string, TableRole][]);
}
