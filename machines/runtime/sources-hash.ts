/**
 * A hash of source files, for results kept between runs (the comparison the build writes, the
 * explorations the tests reuse): the same files with the same bytes give the same hash, and any
 * edit, added or removed file gives another. Node only.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The TypeScript under `dir` that is not a test. */
export function sourcesUnder(dir: string): string[] {
  return filesUnder(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
}

/** Each file's path (relative to `root`, so a clone elsewhere hashes the same) and bytes, in sorted order. */
export function sourcesHash(root: string, files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}
