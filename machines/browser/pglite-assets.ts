/**
 * PGlite's WebAssembly and file-system bundle, fetched by the lab instead of by PGlite. The URLs
 * are resolved by the bundler from the package's own exports (`@electric-sql/pglite/pglite.wasm`,
 * `…/pglite.data`), which are the very files PGlite would fetch, so nothing is downloaded twice.
 * Fetching them here lets them start at once, beside the boot image, and be counted by the
 * loading bar (see download-meter.ts); PGlite takes them as `pgliteWasmModule` and `fsBundle`.
 */
import type { PGliteOptions } from '@electric-sql/pglite';
import type { DownloadMeter } from './download-meter';

export const PGLITE_WASM_URL = new URL('@electric-sql/pglite/pglite.wasm', import.meta.url);
export const PGLITE_DATA_URL = new URL('@electric-sql/pglite/pglite.data', import.meta.url);
// PGlite loads initdb's module even when it starts from a data directory; fetched beside the rest, it no longer waits for them.
export const INITDB_WASM_URL = new URL('@electric-sql/pglite/initdb.wasm', import.meta.url);

/**
 * Their sizes unpacked, for PGlite 0.5.16 (pglite-assets.test.ts checks them against the package):
 * a host that compresses them on the fly sends no length the loading bar could use.
 */
export const PGLITE_ASSET_BYTES = { wasm: 9_086_480, data: 6_242_272, initdb: 298_788 } as const;

export type PGliteAssets = Pick<PGliteOptions, 'pgliteWasmModule' | 'initdbWasmModule' | 'fsBundle'>;

async function compileWasm(response: Response): Promise<WebAssembly.Module> {
  // Streaming compiles while it downloads, but only from a host that types the file application/wasm.
  if (response.headers.get('content-type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** All three files, or nothing: on any failure PGlite fetches them itself and reports its own error. */
export async function prefetchPGliteAssets(meter?: DownloadMeter): Promise<PGliteAssets> {
  meter?.expect(PGLITE_WASM_URL.href, PGLITE_ASSET_BYTES.wasm);
  meter?.expect(PGLITE_DATA_URL.href, PGLITE_ASSET_BYTES.data);
  meter?.expect(INITDB_WASM_URL.href, PGLITE_ASSET_BYTES.initdb);
  try {
    const [wasm, data, initdb] = await Promise.all([fetch(PGLITE_WASM_URL), fetch(PGLITE_DATA_URL), fetch(INITDB_WASM_URL)]);
    if (!wasm.ok || !data.ok || !initdb.ok) return {};
    const [pgliteWasmModule, fsBundle, initdbWasmModule] = await Promise.all([compileWasm(wasm), data.blob(), compileWasm(initdb)]);
    return { pgliteWasmModule, fsBundle, initdbWasmModule };
  } catch {
    return {};
  }
}
