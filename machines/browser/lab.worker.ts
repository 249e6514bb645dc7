/// <reference lib="webworker" />
/**
 * The simulation worker of one page, where SharedWorker is missing (Chrome on Android, older
 * Safari): the same engine as lab.shared-worker.ts with the page as its only client. A run,
 * however long, never blocks scrolling or typing.
 */
import { createLabEngine, type LabClient } from './lab-engine';
import type { PageToWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const engine = createLabEngine(false);
const page: LabClient = { post: (message) => self.postMessage(message) };

self.onmessage = (event: MessageEvent<PageToWorker>) => engine.receive(page, event.data);
engine.connect(page);
