/**
 * What the simulation worker does, whoever talks to it: it owns the lab's one PGlite instance
 * and runs scenarios for its clients. A dedicated worker has one client (its page); a shared
 * worker has one per figure on the page (each iframe's port), so five figures boot Postgres once.
 * Runs are serialised (one Postgres connection), each answer goes back to the client that asked,
 * and a client's request overtaken by a newer one of the same client is dropped unrun.
 */
import { discardBootSnapshot, fetchBootImage, readBootSnapshot, saveBootSnapshot, startFromDataDir } from './boot-snapshot';
import { explainStartupError } from './startup-errors';
import type { PageToWorker, WorkerToPage } from './protocol';
import { faultSites, runScenario } from '../kernel/explore';
import { getPattern } from '../patterns/index';
import { echo } from '../kernel/echo';
import type { LabDatabase } from '../actors/postgres';
import { startLabPostgres } from '../runtime/pglite';

export interface LabClient {
  post(message: WorkerToPage): void;
}

type BootMessage = Extract<WorkerToPage, { type: 'progress' | 'ready' | 'fatal' }>;

export function createLabEngine(shared: boolean) {
  const clients = new Set<LabClient>();
  const latestRequest = new Map<LabClient, number>();
  // Told to a client that connects late, so a figure added after the boot hears where it stands.
  let bootState: BootMessage | null = null;
  let database: Promise<LabDatabase> | null = null;
  /** Set after a fresh (initdb) boot: the data directory to keep once the first run is done. */
  let dumpAfterFirstRun: (() => Promise<Blob>) | null = null;
  let queue: Promise<void> = Promise.resolve();
  /** How many times this worker started Postgres: what "the figures share one" is measured by. */
  let boots = 0;
  const instance = Math.random().toString(36).slice(2, 10);

  const broadcast = (message: BootMessage) => {
    bootState = message;
    for (const client of clients) client.post(message);
  };

  async function boot(): Promise<LabDatabase> {
    const started = performance.now();
    boots += 1;
    broadcast({ type: 'progress', phase: 'loading', message: 'Downloading Postgres (WebAssembly, a few MB)…', fraction: 0.1 });
    const startFrom = async (data: Blob, message: string) => {
      broadcast({ type: 'progress', phase: 'starting-postgres', message, fraction: 0.5 });
      return (await startFromDataDir(data))?.db ?? null;
    };
    const snapshot = await readBootSnapshot();
    const fromCopy = snapshot && (await startFrom(snapshot, 'Starting Postgres from the copy kept by this browser…'));
    if (fromCopy) return ready(fromCopy, started);
    if (snapshot) await discardBootSnapshot();
    const image = await fetchBootImage((loaded, total) => {
      const done = total ? ` of ${megabytes(total)}` : '';
      broadcast({ type: 'progress', phase: 'loading', message: `Downloading the lab's Postgres data: ${megabytes(loaded)}${done}…`, fraction: 0.1 + 0.3 * (total ? Math.min(1, loaded / total) : 0.5) });
    });
    // An image that does not boot (a half-written file on the host) falls through to initdb.
    const fromImage = image && (await startFrom(image, 'Starting Postgres (WebAssembly) from the downloaded data…'));
    if (fromImage) return ready(fromImage, started);
    broadcast({ type: 'progress', phase: 'starting-postgres', message: 'Creating a fresh Postgres database in this tab (first visit: a few seconds)…', fraction: 0.45 });
    const { pg, db } = await startLabPostgres();
    dumpAfterFirstRun = () => pg.dumpDataDir('gzip');
    return ready(db, started);
  }

  function ready(db: LabDatabase, started: number): LabDatabase {
    broadcast({ type: 'progress', phase: 'ready', message: 'Postgres is ready.', fraction: 1 });
    broadcast({ type: 'ready', bootMs: Math.round(performance.now() - started), boots, instance, shared });
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
        // A later client (or the page's Retry) starts a fresh attempt.
        database = null;
        broadcast({ type: 'fatal', message: explainStartupError(error) });
        throw error;
      });
    }
    return database;
  }

  async function handleRun(client: LabClient, message: Extract<PageToWorker, { type: 'run' }>): Promise<void> {
    if (message.requestId < (latestRequest.get(client) ?? 0)) return;
    const pattern = getPattern(message.scenario.pattern);
    if (!pattern) {
      client.post({ type: 'error', requestId: message.requestId, message: `There is no pattern ${echo(String(message.scenario.pattern))}.` });
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
      client.post({
        type: 'result',
        requestId: message.requestId,
        result,
        sites: faultSites(result.steps),
        elapsedMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      client.post({ type: 'error', requestId: message.requestId, message: error instanceof Error ? error.message : String(error) });
    }
  }

  return {
    connect(client: LabClient): void {
      clients.add(client);
      if (bootState && bootState.type !== 'fatal') client.post(bootState);
      void ensureDatabase().catch(() => {});
    },
    receive(client: LabClient, message: PageToWorker): void {
      if (message?.type !== 'run') return;
      latestRequest.set(client, Math.max(latestRequest.get(client) ?? 0, message.requestId));
      // The copy is taken after the first run so it never delays what the reader is waiting for.
      queue = queue.then(() => handleRun(client, message)).then(keepBootSnapshot).catch(() => {});
    },
  };
}

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
