import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PGLITE_ASSET_BYTES } from './pglite-assets';

describe("PGlite's own files", () => {
  it('have the sizes the loading bar expects (update PGLITE_ASSET_BYTES with a new PGlite)', () => {
    const require = createRequire(import.meta.url);
    const size = (file: string) => statSync(require.resolve(`@electric-sql/pglite/${file}`)).size;
    expect({ wasm: size('pglite.wasm'), data: size('pglite.data'), initdb: size('initdb.wasm') }).toEqual(PGLITE_ASSET_BYTES);
  });
});
