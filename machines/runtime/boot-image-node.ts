/**
 * The boot image in Node (command line, tests, the build's comparison pool): read from
 * public/generated/postgres/, made there first when no build has made it yet.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOOT_IMAGE_FILE, makeBootImage } from './boot-image';
import { startLabPostgres } from './pglite';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BOOT_IMAGE_PATH = join(ROOT, 'public', 'generated', 'postgres', BOOT_IMAGE_FILE);

/** The image's path, making it when missing. Two processes may both make it: the rename is atomic. */
export async function ensureBootImage(): Promise<string> {
  if (existsSync(BOOT_IMAGE_PATH)) return BOOT_IMAGE_PATH;
  const image = Buffer.from(await (await makeBootImage()).arrayBuffer());
  mkdirSync(dirname(BOOT_IMAGE_PATH), { recursive: true });
  const partial = `${BOOT_IMAGE_PATH}.${process.pid}.partial`;
  writeFileSync(partial, image);
  renameSync(partial, BOOT_IMAGE_PATH);
  return BOOT_IMAGE_PATH;
}

/** A lab Postgres started from the boot image (≈0.6 s here, against ≈3–4 s for initdb). */
export async function startLabPostgresInNode(): ReturnType<typeof startLabPostgres> {
  const image = readFileSync(await ensureBootImage());
  return startLabPostgres({ loadDataDir: new Blob([image]) });
}
