/**
 * Makes sure the Postgres boot image exists before the test files start (the build makes it;
 * `vitest` alone makes it here, once, rather than in every fork at the same moment), so each file
 * starts from it in under a second instead of running initdb again.
 */
import { ensureBootImage } from '../runtime/boot-image-node';

export default async function setup(): Promise<void> {
  await ensureBootImage();
}
