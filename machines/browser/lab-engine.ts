/**
 * What the simulation worker does, whoever talks to it: it owns the lab's one PGlite instance
 * and runs scenarios for its clients. A dedicated worker has one client (its page); a shared
 * worker has one per figure on the page (each iframe's port), so five figures boot Postgres once.
 * Runs are serialised (one Postgres connection), each answer goes back to the client that asked,
 * and a client's request overtaken by a newer one of the same client is dropped unrun.
 */
import { discardBootSnapshot, fetchBootImage, readBootSnapshot, saveBootSnapshot, startFromDataDir } from './boot-snapshot';
import { DownloadMeter, meterFetches, type DownloadSummary } from './download-meter';
import { explainStartupError } from './startup-errors';
import type { PageToWorker, WorkerToPage } from './protocol';
import { faultSites, runScenario } from '../kernel/explore';
import { getPattern } from '../patterns/index';
import { echo } from '../kernel/echo';
import type { LabDatabase } from '../actors/postgres';
import { startLabPostgres } from '../runtime/pglite';
import { prefetchPGliteAssets } from './pglite-assets';

export interface LabClient {
  post(message: WorkerToPage): void;
}

/** How many steps a preview holds: enough to be playable, cheap enough to come at once. */
const PREVIEW_STEPS = 1;

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
    const progress = bootProgress(broadcast);
    // Every download of the boot (the image, PGlite's wasm and bundle, an extension) is counted.
    const restoreFetch = meterFetches(progress.meter, (url) => /\.(wasm|data|gz|tgz)(\?|$)/.test(url));
    try {
      // PGlite's own files are needed whatever the data directory comes from: start them at once,
      // beside the image, rather than after it (PGlite alone would fetch them only when created).
      const assetsReady = prefetchPGliteAssets(progress.meter);
      const startFrom = async (data: Blob, message: string) => {
        const assets = await assetsReady;
        progress.stage('starting-postgres', message, 0.85);
        return (await startFromDataDir(data, assets))?.db ?? null;
      };
      const snapshot = await readBootSnapshot();
      const fromCopy = snapshot && (await startFrom(snapshot, 'Starting Postgres from the copy kept by this browser…'));
      if (fromCopy) return ready(fromCopy, started);
      if (snapshot) await discardBootSnapshot();
      const image = await fetchBootImage();
      // An image that does not boot (a half-written file on the host) falls through to initdb.
      const fromImage = image && (await startFrom(image, 'Starting Postgres (WebAssembly) from the downloaded data…'));
      if (fromImage) return ready(fromImage, started);
      const assets = await assetsReady;
      progress.stage('starting-postgres', 'Creating a fresh Postgres database in this tab (first visit: a few seconds)…', 0.85);
      const { pg, db } = await startLabPostgres(assets);
      dumpAfterFirstRun = () => pg.dumpDataDir('gzip');
      return ready(db, started);
    } finally {
      restoreFetch();
    }
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
      if (message.preview) {
        // The same run stopped after step 1 (runs are deterministic, so it is the full run's first
        // step): the reader can step while the rest is computed, a few hundred ms on a laptop.
        const first = await runScenario(db, pattern, message.scenario, { captureSnapshots: true, stopAfterStep: PREVIEW_STEPS });
        client.post({ type: 'preview', requestId: message.requestId, result: first, sites: faultSites(first.steps) });
        if (message.requestId < (latestRequest.get(client) ?? 0)) return;
      }
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

/**
 * The loading bar of one boot: while anything is downloading it shows the bytes (of the known
 * total, when every file said its size), otherwise the stage Postgres is at. It never moves back,
 * and byte updates are sent at most every 100 ms (a chunk arrives every few KB).
 */
function bootProgress(broadcast: (message: BootMessage) => void) {
  let stage: { phase: 'loading' | 'starting-postgres'; message: string; fraction: number } = { phase: 'loading', message: 'Downloading Postgres (WebAssembly, a few MB)…', fraction: 0.05 };
  let shown = 0;
  let lastSent = 0;
  const send = (summary: DownloadSummary) => {
    // Once Postgres is starting, a small late fetch (an extension) does not take the bar back to "downloading".
    if (summary.inFlight > 0 && stage.phase === 'loading') {
      // Without a total (a host compressing on the fly) the bar still moves, slowing as it fills.
      const share = summary.total ? summary.loaded / summary.total : 1 - Math.exp(-summary.loaded / 8_000_000);
      shown = Math.max(shown, 0.05 + 0.75 * Math.min(1, share));
      const of = summary.total ? ` of ${megabytes(summary.total)}` : '';
      broadcast({ type: 'progress', phase: 'loading', message: `Downloading Postgres: ${megabytes(summary.loaded)}${of} unpacked…`, fraction: shown });
    } else {
      shown = Math.max(shown, stage.fraction);
      broadcast({ type: 'progress', phase: stage.phase, message: stage.message, fraction: shown });
    }
  };
  const meter = new DownloadMeter((summary) => {
    const now = performance.now();
    if (summary.inFlight > 0 && now - lastSent < 100) return;
    lastSent = now;
    send(summary);
  });
  send(meter.summary());
  return {
    meter,
    stage(phase: 'loading' | 'starting-postgres', message: string, fraction: number) {
      stage = { phase, message, fraction };
      send(meter.summary());
    },
  };
}
