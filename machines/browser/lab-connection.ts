/**
 * The page's end of the simulation worker. Where the browser has SharedWorker, every lab page and
 * embedded figure of this origin connects to one worker, so they share one Postgres; elsewhere
 * each page gets a dedicated worker running the same engine.
 */
import type { PageToWorker, WorkerToPage } from './protocol';

export interface LabConnection {
  send(message: PageToWorker): void;
  close(): void;
}

export interface LabConnectionHandlers {
  onMessage(message: WorkerToPage): void;
  onError(message: string): void;
}

const LOAD_FAILED = 'The simulation worker failed to load.';

/**
 * A SharedWorker can be refused after it is constructed: browsers that block third-party storage
 * (Safari, Chromium with third-party cookies off) deny it in an iframe on another site, with an
 * error event and no exception. Until its first message the connection is tentative, and on
 * that error it falls back to a dedicated worker, replaying what the page sent meanwhile.
 */
function connectShared(handlers: LabConnectionHandlers): LabConnection | null {
  if (typeof SharedWorker === 'undefined') return null;
  let worker: SharedWorker;
  try {
    worker = new SharedWorker(new URL('./lab.shared-worker.ts', import.meta.url), { type: 'module', name: 'dual-write-lab' });
  } catch {
    return null;
  }
  let heard = false;
  let closed = false;
  let fallback: LabConnection | null = null;
  const unsent: PageToWorker[] = [];
  const port = worker.port;
  port.onmessage = (event: MessageEvent<WorkerToPage>) => {
    heard = true;
    unsent.length = 0;
    handlers.onMessage(event.data);
  };
  worker.onerror = (event) => {
    if (heard) {
      handlers.onError((event as ErrorEvent).message || LOAD_FAILED);
      return;
    }
    if (closed || fallback) return;
    port.close();
    fallback = connectDedicated(handlers);
    for (const message of unsent.splice(0)) fallback.send(message);
  };
  port.start();
  return {
    send: (message) => {
      if (fallback) fallback.send(message);
      else {
        if (!heard) unsent.push(message);
        port.postMessage(message);
      }
    },
    // The shared worker lives on while other figures use it; this page only hangs up.
    close: () => {
      closed = true;
      if (fallback) fallback.close();
      else port.close();
    },
  };
}

function connectDedicated(handlers: LabConnectionHandlers): LabConnection {
  const worker = new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<WorkerToPage>) => handlers.onMessage(event.data);
  worker.onerror = (event) => handlers.onError(event.message || LOAD_FAILED);
  return { send: (message) => worker.postMessage(message), close: () => worker.terminate() };
}

export function connectToLab(handlers: LabConnectionHandlers): LabConnection {
  return connectShared(handlers) ?? connectDedicated(handlers);
}
