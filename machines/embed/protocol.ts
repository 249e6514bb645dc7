/**
 * The messages an embedded figure (`/embed/<pattern>`) exchanges with the page around it. The
 * host may drive the figure; the figure reports its height and where it is. Every message from
 * the host is validated: anything else is answered with an `error` naming what was wrong and the
 * figure carries on.
 */
import type { AnomalyId } from '../kernel/vocabulary';

export const EMBED_NAMESPACE = 'dual-write-lab';

/** Every command a host may send, for the message that answers an unknown one. */
export const HOST_COMMANDS = ['step-forward', 'step-back', 'play', 'pause', 'reset', 'go-to-step', 'reveal', 'ping'] as const;

/** One command a host may send; host-commands.ts reads and validates it. */
export type HostCommand =
  | { [C in Exclude<(typeof HOST_COMMANDS)[number], 'go-to-step'>]: { source: typeof EMBED_NAMESPACE; command: C } }[Exclude<(typeof HOST_COMMANDS)[number], 'go-to-step'>]
  | { source: typeof EMBED_NAMESPACE; command: 'go-to-step'; step: number };

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
 * A host may post a command the moment the iframe loads, before React has mounted the listener.
 * This script, inlined in the figure's HTML, keeps such messages until the bridge takes them
 * (see components/lab/useEmbedBridge.ts), so they are held for `ready` like any other.
 */
export const EARLY_MESSAGES_GLOBAL = '__dualWriteLabEarlyMessages';
export const EARLY_MESSAGES_SCRIPT = `(function(){var k=${JSON.stringify(EARLY_MESSAGES_GLOBAL)},l=[];function f(e){l.push(e)}window[k]={events:l,stop:function(){removeEventListener('message',f)}};addEventListener('message',f)})()`;
