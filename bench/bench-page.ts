/**
 * Where the bare boot page lives between a build and a benchmark: out/ never ships it, so the
 * build's postbuild step moves it to .cache/bench-page/ with the build's id, and the bench copies
 * it back only into the same build's out/ (a page from another build would load chunks that are
 * not there).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_PAGE = `${ROOT}out/bench`;
const STASH = `${ROOT}.cache/bench-page`;
const STASHED_PAGE = `${STASH}/bench`;
const STASHED_ID = `${STASH}/BUILD_ID`;
const BUILD_ID = `${ROOT}.next/BUILD_ID`;

const buildId = () => (existsSync(BUILD_ID) ? readFileSync(BUILD_ID, 'utf8').trim() : null);

/** Moves out/bench/ into the stash; false when this build made none. */
export function stashBenchPage(): boolean {
  if (!existsSync(OUT_PAGE)) return false;
  rmSync(STASH, { recursive: true, force: true });
  mkdirSync(STASH, { recursive: true });
  renameSync(OUT_PAGE, STASHED_PAGE);
  writeFileSync(STASHED_ID, buildId() ?? '');
  return true;
}

/** Puts the stashed page back into out/ when it belongs to the build out/ holds. */
export function restoreBenchPage(): boolean {
  const id = buildId();
  if (!id || !existsSync(`${ROOT}out/index.html`) || !existsSync(STASHED_PAGE)) return false;
  if (readFileSync(STASHED_ID, 'utf8').trim() !== id) return false;
  rmSync(OUT_PAGE, { recursive: true, force: true });
  cpSync(STASHED_PAGE, OUT_PAGE, { recursive: true });
  return true;
}

/** Takes the page out of out/ again (the stash keeps its copy). */
export function removeBenchPage(): void {
  rmSync(OUT_PAGE, { recursive: true, force: true });
}
