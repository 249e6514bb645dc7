/**
 * Reading a command from the host page: validated, because any page that embeds a figure can post
 * anything to it. Kept apart from protocol.ts and loaded only by an embedded figure, once it is
 * running (components/lab/useEmbedBridge.ts): the validator is the only zod the pages would ship,
 * and the lab page, which never hears from a host, need not download it at all.
 */
// zod/mini, not zod: the same checks with a tree-shakable API (the full build was ≈31 KB gzip).
import * as z from 'zod/mini';
import { EMBED_NAMESPACE, HOST_COMMANDS, type HostCommand } from './protocol';

export const hostCommandSchema = z.discriminatedUnion('command', [
  z.object({ source: z.literal(EMBED_NAMESPACE), command: z.literal('step-forward') }),
  z.object({ source: z.literal(EMBED_NAMESPACE), command: z.literal('step-back') }),
  z.object({ source: z.literal(EMBED_NAMESPACE), command: z.literal('play') }),
  z.object({ source: z.literal(EMBED_NAMESPACE), command: z.literal('pause') }),
  z.object({ source: z.literal(EMBED_NAMESPACE), command: z.literal('reset') }),
  z.object({ source: z.literal(EMBED_NAMESPACE), command: z.literal('go-to-step'), step: z.int({ error: 'must be a whole number' }).check(z.minimum(0, { error: 'must be 0 or more' }), z.maximum(100_000, { error: 'must be at most 100000' })) }),
  // Shows an outcome held back by `outcome=hidden` (a presenter's reveal); harmless when it is shown.
  z.object({ source: z.literal(EMBED_NAMESPACE), command: z.literal('reveal') }),
  // Asks a figure that is already ready to say so again (a host script that loaded late missed it).
  z.object({ source: z.literal(EMBED_NAMESPACE), command: z.literal('ping') }),
], { error: () => `unknown command; known: ${HOST_COMMANDS.join(', ')}` });

// The schema and the protocol's type must describe the same commands.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesProtocol: Same<z.infer<typeof hostCommandSchema>, HostCommand> = true;
void schemaMatchesProtocol;

/**
 * Reads a message from the host. Messages of other tools on the same page (no `source`, or
 * another one) return null so they are ignored quietly; ours that are malformed return a reason.
 */
export function readHostCommand(data: unknown): HostCommand | { error: string } | null {
  if (typeof data !== 'object' || data === null || (data as { source?: unknown }).source !== EMBED_NAMESPACE) return null;
  const parsed = hostCommandSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return { error: `unrecognised command${issue ? ` (${issue.path.join('.') || 'message'}: ${issue.message})` : ''}` };
}
