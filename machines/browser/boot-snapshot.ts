/**
 * Where a tab's Postgres comes from, fastest first: a copy of a booted data directory kept in
 * the browser's Cache Storage (after a fresh boot), the boot image the site ships
 * (runtime/boot-image.ts, about 1 MB), and only when neither loads, initdb in the tab (seconds).
 * A copy that fails to boot is thrown away.
 */
import { BOOT_IMAGE_URL } from '../runtime/boot-image';
import { LAB_INITDB_PARAMS, LAB_START_PARAMS, startLabPostgres } from '../runtime/pglite';
import type { PGliteAssets } from './pglite-assets';

const CACHE_NAME = 'dual-write-lab-postgres';
// Bump when the PGlite version changes; the start and initdb parameters are in the key: an old data directory must not load.
const SNAPSHOT_KEY = `/boot-snapshot/pglite-0.5.16/${encodeURIComponent([...LAB_START_PARAMS, ...LAB_INITDB_PARAMS].join(' '))}`;

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
 * Downloads the shipped boot image; null when the site has none
 * (a dev server before the first build) or the network fails, so the caller boots fresh.
 */
export async function fetchBootImage(): Promise<Blob | null> {
  try {
    // Its bytes are counted, with PGlite's, by the boot's download meter (download-meter.ts).
    const response = await fetch(BOOT_IMAGE_URL);
    if (!response.ok) return null;
    const bytes = new Uint8Array(await response.arrayBuffer());
    // A host that sends it with Content-Encoding: gzip has it unpacked by the browser already:
    // say what the bytes are, or PGlite would try to gunzip a plain tar.
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    return new Blob([bytes], { type: gzipped ? 'application/gzip' : 'application/x-tar' });
  } catch {
    return null;
  }
}

/** Postgres started from a data directory; null when it does not boot, so the caller tries the next source. */
export async function startFromDataDir(data: Blob, assets: PGliteAssets = {}): Promise<Awaited<ReturnType<typeof startLabPostgres>> | null> {
  try {
    return await startLabPostgres({ ...assets, loadDataDir: data });
  } catch {
    return null;
  }
}

/**
 * A Postgres for a side worker (the comparison's re-run, the scale measurement): from the lab
 * page's kept copy when this browser has one, skipping initdb; fresh when there is none or it
 * does not boot. The lab's own engine keeps, discards and saves the copy; this only reads it.
 */
export async function startFromBootSnapshot(): ReturnType<typeof startLabPostgres> {
  for (const source of [readBootSnapshot, fetchBootImage]) {
    const data = await source();
    const started = data && (await startFromDataDir(data));
    if (started) return started;
  }
  return startLabPostgres();
}
