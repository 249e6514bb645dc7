/**
 * The lab's Postgres boot image: a data directory made once (at build time, or once per machine
 * in Node) and loaded with `loadDataDir`, so neither a tab nor a test process runs initdb.
 *
 * It is smaller than a plain dump (about 1 MB gzipped instead of 4.5 MB): the template databases
 * are dropped (the lab never creates a database, and PGlite connects to `postgres`), and the WAL
 * left by initdb is switched away and removed rather than recycled, so the tar carries a fresh,
 * mostly empty segment. Runs do not depend on it: each run starts at a new WAL segment
 * (actors/wal.ts), whether the instance came from this image or from a fresh initdb.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import { LAB_INITDB_PARAMS, LAB_START_PARAMS } from './pglite';

/** The installed PGlite; a test checks it against node_modules, since an image is tied to it. */
export const PGLITE_VERSION = '0.5.16';

/** Bump when `makeBootImage` changes what the image holds. */
const RECIPE_VERSION = 2;

/** FNV-1a, 32 bit: a short stable tag, not a security measure. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The image's file name: it changes with PGlite, the start and initdb parameters and the recipe, so a
 * browser never loads an image an older build left in its HTTP cache. `.tgz`, not `.tar.gz`:
 * some static servers send any `.gz` with Content-Encoding: gzip, and the download's progress
 * would then count unpacked bytes against the packed length.
 */
export const BOOT_IMAGE_FILE = `postgres-${PGLITE_VERSION}-${fnv1a(JSON.stringify([LAB_START_PARAMS, RECIPE_VERSION, LAB_INITDB_PARAMS]))}.tgz`;

/** Where the site serves it (public/generated/postgres/ in the repository). */
export const BOOT_IMAGE_URL = `/generated/postgres/${BOOT_IMAGE_FILE}`;

/** Runs initdb once and returns the prepared data directory as a gzipped tar. */
export async function makeBootImage(): Promise<Blob> {
  const pg = await PGlite.create({
    extensions: { pg_walinspect },
    initDbStartParams: LAB_INITDB_PARAMS,
    // wal_recycle=off: a segment no longer needed is deleted, not renamed with initdb's WAL inside.
    startParams: [...PGlite.defaultStartParams, ...LAB_START_PARAMS, '-c', 'wal_recycle=off'],
  });
  try {
    await pg.exec(`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`);
    await pg.exec('DROP DATABASE template1');
    await pg.exec('DROP DATABASE template0');
    await pg.exec('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    // Twice: the first checkpoint still needs the segment initdb wrote, the second lets it go.
    for (let i = 0; i < 2; i++) {
      await pg.query('SELECT pg_switch_wal()');
      await pg.exec('CHECKPOINT');
    }
    // Then once more into a segment made now, zero-filled, rather than one initdb left behind.
    await removeFutureSegments(pg);
    await pg.query('SELECT pg_switch_wal()');
    await pg.exec('CHECKPOINT');
    await removeFutureSegments(pg);
    return await pg.dumpDataDir('gzip');
  } finally {
    await pg.close();
  }
}

/**
 * The checkpoints leave segments made ready for WAL not yet written (initdb's old ones, renamed),
 * full of old records that compress badly: with 1 MB segments, four of them doubled the image.
 * Postgres makes a segment when it reaches one that is missing, so they can go.
 */
async function removeFutureSegments(pg: PGlite): Promise<void> {
  const { rows } = await pg.query<{ dir: string; name: string }>(
    `SELECT current_setting('data_directory') || '/pg_wal' AS dir, name FROM pg_ls_waldir()
     WHERE name ~ '^[0-9A-F]{24}$' AND name > pg_walfile_name(pg_current_wal_lsn())`,
  );
  for (const { dir, name } of rows) pg.Module.FS.unlink(`${dir}/${name}`);
}
