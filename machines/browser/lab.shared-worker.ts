/// <reference lib="webworker" />
/**
 * The simulation worker shared by every lab page and figure of this origin in the browser: each
 * connects through its own port, and all of them share one Postgres (see lab-engine.ts). A docs
 * page with five figures boots PGlite once; their runs take turns.
 */
import { createLabEngine, type LabClient } from './lab-engine';
import type { PageToWorker } from './protocol';

declare const self: SharedWorkerGlobalScope;

const engine = createLabEngine(true);

self.onconnect = (event: MessageEvent) => {
  const port = event.ports[0];
  if (!port) return;
  const client: LabClient = { post: (message) => port.postMessage(message) };
  port.onmessage = (message: MessageEvent<PageToWorker>) => engine.receive(client, message.data);
  port.start();
  engine.connect(client);
};
