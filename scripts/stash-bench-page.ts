/**
 * After every `npm run build`: the benchmark's bare page (/bench/boot/) is built with the site but
 * moved out of out/ into .cache/bench-page/, with the build's id, so out/ stays what readers get
 * and `npm run bench` can put the page back for its measurements without building the site again
 * (bench/bench-page.ts).
 */
import { stashBenchPage } from '../bench/bench-page';

const stashed = stashBenchPage();
console.log(stashed ? 'bench page: out/bench/ moved to .cache/bench-page/' : 'bench page: none in out/ (nothing to stash)');
