'use client';

import { useEffect, useRef } from 'react';
import { EMBED_NAMESPACE, readHostCommand, type FigureMessage, type HostCommand } from '../../machines/embed/protocol';
import type { AnomalyId } from '../../machines/kernel/vocabulary';

interface EmbedBridgeOptions {
  enabled: boolean;
  pattern: string;
  step: number;
  total: number;
  anomalies: AnomalyId[] | null;
  onCommand: (command: HostCommand) => void;
}

function postToHost(message: FigureMessage, target: MessageEventSource | null = null): void {
  // Height and step are not secrets, and a docs site may embed from any origin.
  if (target && 'postMessage' in target) (target as Window).postMessage(message, '*');
  else if (window.parent !== window) window.parent.postMessage(message, '*');
}

/**
 * The embedded figure's side of the conversation with its host page: reports its height (so the
 * iframe can fit it without a scrollbar) and its position in the run, and obeys validated
 * commands.
 */
export function useEmbedBridge({ enabled, pattern, step, total, anomalies, onCommand }: EmbedBridgeOptions): void {
  const commandRef = useRef(onCommand);
  commandRef.current = onCommand;

  useEffect(() => {
    if (!enabled) return;
    const onMessage = (event: MessageEvent) => {
      const command = readHostCommand(event.data);
      if (command === null) return;
      if ('error' in command) postToHost({ source: EMBED_NAMESPACE, type: 'error', message: command.error }, event.source);
      else commandRef.current(command);
    };
    window.addEventListener('message', onMessage);
    let lastHeight = 0;
    const observer = new ResizeObserver(() => {
      const height = Math.ceil(document.documentElement.scrollHeight);
      if (height === lastHeight) return;
      lastHeight = height;
      postToHost({ source: EMBED_NAMESPACE, type: 'resize', height });
    });
    observer.observe(document.body);
    return () => {
      window.removeEventListener('message', onMessage);
      observer.disconnect();
    };
  }, [enabled]);

  useEffect(() => {
    if (enabled) postToHost({ source: EMBED_NAMESPACE, type: 'state', pattern, step, total, anomalies });
  }, [enabled, pattern, step, total, anomalies]);
}
