'use client';

import { useEffect, useRef } from 'react';
import type { readHostCommand } from '../../machines/embed/host-commands';
import { EARLY_MESSAGES_GLOBAL, EMBED_NAMESPACE, type FigureCommand, type FigureMessage } from '../../machines/embed/protocol';
import type { AnomalyId } from '../../machines/kernel/vocabulary';

interface EmbedBridgeOptions {
  enabled: boolean;
  pattern: string;
  step: number;
  total: number;
  anomalies: AnomalyId[] | null;
  outcome: 'shown' | 'hidden';
  playing: boolean;
  /** The run is on screen, so a command moves something the reader sees. */
  ready: boolean;
  onCommand: (command: FigureCommand) => void;
}

/** Enough for any script that drives a figure; more before the figure is ready is a runaway host. */
const MAX_HELD_COMMANDS = 32;

function postToHost(message: FigureMessage, target: MessageEventSource | null = null): void {
  // Height and step are not secrets, and a docs site may embed from any origin.
  if (target && 'postMessage' in target) (target as Window).postMessage(message, '*');
  else if (window.parent !== window) window.parent.postMessage(message, '*');
}

/**
 * The embedded figure's side of the conversation with its host page: reports its height (so the
 * iframe can fit it without a scrollbar) and its position in the run, says `ready` once commands
 * take effect, and obeys validated commands. A command sent before `ready` (a host that posts on
 * load, as most do) is held and applied right after it rather than lost.
 */
export function useEmbedBridge({ enabled, pattern, step, total, anomalies, outcome, playing, ready, onCommand }: EmbedBridgeOptions): void {
  const commandRef = useRef(onCommand);
  commandRef.current = onCommand;
  const readyRef = useRef(false);
  const held = useRef<FigureCommand[]>([]);

  useEffect(() => {
    if (!enabled) return;
    // The validator is fetched now, not with the page: until it is here, messages wait in order.
    let read: typeof readHostCommand | null = null;
    let stopped = false;
    const waiting: MessageEvent[] = [];
    const refuse = (event: MessageEvent) =>
      postToHost({ source: EMBED_NAMESPACE, type: 'error', message: `not ready yet and already holding ${MAX_HELD_COMMANDS} commands; dropped this one` }, event.source);
    const obey = (event: MessageEvent) => {
      const command = read!(event.data);
      if (command === null) return;
      if ('error' in command) postToHost({ source: EMBED_NAMESPACE, type: 'error', message: command.error }, event.source);
      else if (command.command === 'ping') {
        if (readyRef.current) postToHost({ source: EMBED_NAMESPACE, type: 'ready', pattern }, event.source);
      } else if (readyRef.current) commandRef.current(command);
      else if (held.current.length < MAX_HELD_COMMANDS) held.current.push(command);
      else refuse(event);
    };
    const onMessage = (event: MessageEvent) => {
      if (read) obey(event);
      // Other tools' messages on the page are not ours to keep (the reader would ignore them too).
      else if ((event.data as { source?: unknown } | null)?.source !== EMBED_NAMESPACE) return;
      else if (waiting.length < MAX_HELD_COMMANDS) waiting.push(event);
      else refuse(event);
    };
    window.addEventListener('message', onMessage);
    // Messages that arrived before this listener (see EARLY_MESSAGES_SCRIPT), in their order.
    const early = (window as unknown as Record<string, { events: MessageEvent[]; stop: () => void } | undefined>)[EARLY_MESSAGES_GLOBAL];
    if (early) {
      early.stop();
      waiting.push(...early.events.splice(0));
    }
    void import('../../machines/embed/host-commands').then(
      (reader) => {
        if (stopped) return;
        read = reader.readHostCommand;
        for (const event of waiting.splice(0)) obey(event);
      },
      () => postToHost({ source: EMBED_NAMESPACE, type: 'error', message: 'could not load the command reader; reload the page to drive this figure' }),
    );
    let lastHeight = 0;
    // The content's own height: the document's scrollHeight never drops below the iframe's
    // height (nor does the body, which is min-h-screen), so a figure could grow but never shrink.
    const content = document.getElementById('main') ?? document.body;
    const observer = new ResizeObserver(() => {
      const height = Math.ceil(content.getBoundingClientRect().bottom + window.scrollY);
      if (height === lastHeight) return;
      lastHeight = height;
      postToHost({ source: EMBED_NAMESPACE, type: 'resize', height });
    });
    observer.observe(content);
    return () => {
      stopped = true;
      window.removeEventListener('message', onMessage);
      observer.disconnect();
    };
  }, [enabled, pattern]);

  // Once only: later re-runs (a changed scenario) keep the figure answering commands.
  useEffect(() => {
    if (!enabled || !ready || readyRef.current) return;
    readyRef.current = true;
    postToHost({ source: EMBED_NAMESPACE, type: 'ready', pattern });
    for (const command of held.current.splice(0)) commandRef.current(command);
  }, [enabled, ready, pattern]);

  useEffect(() => {
    if (enabled) postToHost({ source: EMBED_NAMESPACE, type: 'state', pattern, step, total, anomalies, outcome, playing });
  }, [enabled, pattern, step, total, anomalies, outcome, playing]);
}
