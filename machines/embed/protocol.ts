/**
 * The messages an embedded figure (`/embed/<pattern>`) exchanges with the page around it. The
 * host may drive the figure; the figure reports its height and where it is. Every message from
 * the host is validated: anything else is answered with an `error` naming what was wrong and the
 * figure carries on.
 */
// zod/mini, not zod: the same checks with a tree-shakable API, and this schema is the only zod
// the lab and embed pages ship (the full build added ≈31 KB gzip to their first load).
import * as z from 'zod/mini';
import type { AnomalyId } from '../kernel/vocabulary';

export const EMBED_NAMESPACE = 'dual-write-lab';

/** Every command a host may send, for the message that answers an unknown one. */
export const HOST_COMMANDS = ['step-forward', 'step-back', 'play', 'pause', 'reset', 'go-to-step', 'reveal', 'ping'] as const;

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

export type HostCommand = z.infer<typeof hostCommandSchema>;
/** The commands that move the figure; `ping` is answered by the bridge itself. */
export type FigureCommand = Exclude<HostCommand, { command: 'ping' }>;

export type FigureMessage =
  | { source: typeof EMBED_NAMESPACE; type: 'resize'; height: number }
  /**
   * Sent once the run is on screen and commands take effect (and again in answer to `ping`).
   * Commands that arrive earlier are held and applied, in order, right after it.
   */
  | { source: typeof EMBED_NAMESPACE; type: 'ready'; pattern: string }
  | {
      source: typeof EMBED_NAMESPACE;
      type: 'state';
      pattern: string;
      step: number;
      total: number;
      /** Present once the run is on screen and the last step is reached. */
      anomalies: AnomalyId[] | null;
      /** Whether the reader can see the outcome panel (`hidden` until revealed with `outcome=hidden`). */
      outcome: 'shown' | 'hidden';
      /** Whether the run is playing by itself, so a host's play button can say Pause. */
      playing: boolean;
    }
  | { source: typeof EMBED_NAMESPACE; type: 'error'; message: string };

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

/**
 * A host may post a command the moment the iframe loads, before React has mounted the listener.
 * This script, inlined in the figure's HTML, keeps such messages until the bridge takes them
 * (see components/lab/useEmbedBridge.ts), so they are held for `ready` like any other.
 */
export const EARLY_MESSAGES_GLOBAL = '__dualWriteLabEarlyMessages';
export const EARLY_MESSAGES_SCRIPT = `(function(){var k=${JSON.stringify(EARLY_MESSAGES_GLOBAL)},l=[];function f(e){l.push(e)}window[k]={events:l,stop:function(){removeEventListener('message',f)}};addEventListener('message',f)})()`;
