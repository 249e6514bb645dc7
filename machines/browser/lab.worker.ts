/// <reference lib="webworker" />
/**
 * The simulation worker: it owns the lab's PGlite instance and runs scenarios for the page, so a
 * run, however long, never blocks scrolling or typing. Runs are serialised (one Postgres
 * connection) and a request overtaken by a newer one is dropped unrun.
 */
import { discardBootSnapshot, readBootSnapshot, saveBootSnapshot } from './boot-snapshot';
import { explainStartupError } from './startup-errors';
import type { PageToWorker, WorkerToPage } from './protocol';
import { faultSites, runScenario } from '../kernel/explore';
import { getPattern } from '../patterns/index';
import { echo } from '../kernel/echo';
import type { LabDatabase } from '../actors/postgres';
import { startLabPostgres } from '../runtime/pglite';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: WorkerToPage) => self.postMessage(message);

let database: Promise<LabDatabase> | null = null;
/** Set after a fresh (initdb) boot: the data directory to keep once the first run is done. */
let dumpAfterFirstRun: (() => Promise<Blob>) | null = null;
let latestRequest = 0;
let queue: Promise<void> = Promise.resolve();

async function boot(): Promise<LabDatabase> {
  const started = performance.now();
  post({ type: 'progress', phase: 'loading', message: 'Downloading Postgres (WebAssembly, a few MB)…', fraction: 0.1 });
  const snapshot = await readBootSnapshot();
  if (snapshot) {
    post({ type: 'progress', phase: 'starting-postgres', message: 'Starting Postgres from the copy kept by this browser…', fraction: 0.5 });
    try {
      const { db } = await startLabPostgres({ loadDataDir: snapshot });
      return ready(db, started);
    } catch {
      await discardBootSnapshot();
    }
  }
  post({ type: 'progress', phase: 'starting-postgres', message: 'Creating a fresh Postgres database in this tab (first visit: a few seconds)…', fraction: 0.45 });
  const { pg, db } = await startLabPostgres();
  dumpAfterFirstRun = () => pg.dumpDataDir('gzip');
  return ready(db, started);
}

function ready(db: LabDatabase, started: number): LabDatabase {
  post({ type: 'progress', phase: 'ready', message: 'Postgres is ready.', fraction: 1 });
  post({ type: 'ready', bootMs: Math.round(performance.now() - started) });
  return db;
}

async function keepBootSnapshot(): Promise<void> {
  const dump = dumpAfterFirstRun;
  dumpAfterFirstRun = null;
  if (dump) await saveBootSnapshot(await dump()).catch(() => {});
}

function ensureDatabase(): Promise<LabDatabase> {
  if (!database) {
    database = boot().catch((error: unknown) => {
      database = null;
      post({ type: 'fatal', message: explainStartupError(error) });
      throw error;
    });
  }
  return database;
}

async function handleRun(message: Extract<PageToWorker, { type: 'run' }>): Promise<void> {
  if (message.requestId < latestRequest) return;
  const pattern = getPattern(message.scenario.pattern);
  if (!pattern) {
    post({ type: 'error', requestId: message.requestId, message: `There is no pattern ${echo(String(message.scenario.pattern))}.` });
    return;
  }
  let db: LabDatabase;
  try {
    db = await ensureDatabase();
  } catch {
    return;
  }
  try {
    const started = performance.now();
    const result = await runScenario(db, pattern, message.scenario, { captureSnapshots: true });
    post({
      type: 'result',
      requestId: message.requestId,
      result,
      sites: faultSites(result.steps),
      elapsedMs: Math.round(performance.now() - started),
    });
  } catch (error) {
    post({ type: 'error', requestId: message.requestId, message: error instanceof Error ? error.message : String(error) });
  }
}

self.onmessage = (event: MessageEvent<PageToWorker>) => {
  const message = event.data;
  if (message?.type !== 'run') return;
  latestRequest = Math.max(latestRequest, message.requestId);
  // The copy is taken after the first run so it never delays what the reader is waiting for.
  queue = queue.then(() => handleRun(message)).then(keepBootSnapshot).catch(() => {});
};

void ensureDatabase().catch(() => {});
