/**
 * A copy of the booted Postgres data directory kept in the browser's Cache Storage. The first
 * visit pays for initdb (seconds); later visits and reloads start from the copy, which is what a
 * workshop room reloading the page needs. A copy that fails to boot is thrown away.
 */
import { LAB_START_PARAMS, startLabPostgres } from '../runtime/pglite';

const CACHE_NAME = 'dual-write-lab-postgres';
// Bump when the PGlite version or the start parameters change: an old data directory must not load.
const SNAPSHOT_KEY = `/boot-snapshot/pglite-0.5.16/${encodeURIComponent(LAB_START_PARAMS.join(' '))}`;

function cacheAvailable(): boolean {
  return typeof caches !== 'undefined';
}

export async function readBootSnapshot(): Promise<Blob | null> {
  if (!cacheAvailable()) return null;
  try {
    const cache = await caches.open(CACHE_NAME);
    const response = await cache.match(SNAPSHOT_KEY);
    return response ? await response.blob() : null;
  } catch {
    return null;
  }
}

export async function saveBootSnapshot(snapshot: Blob): Promise<void> {
  if (!cacheAvailable()) return;
  try {
    const cache = await caches.open(CACHE_NAME);
    await cache.put(SNAPSHOT_KEY, new Response(snapshot, { headers: { 'content-type': 'application/gzip' } }));
  } catch {
    // Storage full or denied: the lab works without the copy, it only boots slower.
  }
}

export async function discardBootSnapshot(): Promise<void> {
  if (!cacheAvailable()) return;
  try {
    await (await caches.open(CACHE_NAME)).delete(SNAPSHOT_KEY);
  } catch {
    // Nothing to do: the next boot is a fresh one either way.
  }
}

/**
 * A Postgres for a side worker (the comparison's re-run, the scale measurement): from the lab
 * page's kept copy when this browser has one, skipping initdb; fresh when there is none or it
 * does not boot. The lab's own engine keeps, discards and saves the copy; this only reads it.
 */
export async function startFromBootSnapshot(): ReturnType<typeof startLabPostgres> {
  const snapshot = await readBootSnapshot();
  if (snapshot) {
    try {
      return await startLabPostgres({ loadDataDir: snapshot });
    } catch {
      // A copy that does not boot: start fresh instead.
    }
  }
  return startLabPostgres();
}
