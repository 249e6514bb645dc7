/**
 * Makes sure the Postgres boot image exists before the test files start (the build makes it;
 * `vitest` alone makes it here, once), so each file starts from it in under a second instead of
 * running initdb again.
 */
import { ensureBootImage } from '../runtime/boot-image-node';

export const DATA_DIR_ENV = 'DUAL_WRITE_LAB_TEST_DATADIR';

export default async function setup(): Promise<void> {
  process.env[DATA_DIR_ENV] = await ensureBootImage();
}
