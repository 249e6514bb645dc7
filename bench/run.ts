/**
 * The benchmark: figures and ratios on this machine, never pass/fail (timings on a shared 2-core
 * box are too noisy to assert). `npm run bench`; results also land in bench/results/latest.json.
 *
 * The browser half compares the lab page's boot with a bare PGlite page, /bench/boot/, which every
 * build makes and then keeps out of out/ (bench-page.ts): the bench puts it back for as long as it
 * measures. With no build to measure it builds first; `--rebuild` always does, `--no-build` never.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { removeBenchPage, restoreBenchPage } from './bench-page';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { byteFigures, type ByteFigures } from './bytes';
import { browserFigures, over, type BrowserFigures } from './browser';
import { nodeFigures, type NodeFigures } from './node';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}out`;
const RESULTS = `${ROOT}bench/results/latest.json`;
const BENCH_PAGE = `${OUT}/bench/boot/index.html`;

const log = (line: string) => process.stderr.write(`  ${line}\n`);
const ms = (value: number | null | undefined) => (value == null ? '—' : `${Math.round(value).toLocaleString('en')} ms`);
const ratio = (value: number | null | undefined) => (value == null ? '—' : `${value.toFixed(2)}×`);
const kb = (bytes: number) => `${(bytes / 1024).toLocaleString('en', { maximumFractionDigits: 0 })} KB`;

/** `npm run build`; its output goes to stderr so stdout stays the bench's table. */
function build(): void {
  console.error('Build (npm run build: the site, with the bench page kept aside)');
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`the build failed (exit ${result.status ?? result.signal})`);
}

async function main(): Promise<void> {
  const started = new Date();
  // The last build's out/ and its bench page are used as they are: `npm run build && npm run
  // bench` builds once. A bench with no such build (or --rebuild) builds first.
  const rebuild = process.argv.includes('--rebuild');
  if (rebuild || (!restoreBenchPage() && !process.argv.includes('--no-build'))) {
    build();
    restoreBenchPage();
  }
  console.error('Node');
  const node = await nodeFigures(log);

  let browser: BrowserFigures | null = null;
  let bytes: ByteFigures | null = null;
  let browserSkipped: string | null = null;
  if (!existsSync(`${OUT}/index.html`) || !existsSync(BENCH_PAGE)) {
    browserSkipped = 'out/ or its bench page is missing: run npm run build first (or npm run bench without --no-build)';
    console.error(`Browser: skipped — ${browserSkipped}`);
  } else if (!existsSync('/usr/bin/chromium')) {
    browserSkipped = 'no Chromium at /usr/bin/chromium (apt-get install -y chromium)';
    console.error(`Browser: skipped — ${browserSkipped}`);
    bytes = await byteFigures(OUT);
  } else {
    console.error('Browser');
    try {
      browser = await browserFigures(OUT, log);
    } finally {
      // Readers never get the bench page: out/ is left as the build left it.
      removeBenchPage();
    }
    bytes = await byteFigures(OUT);
  }

  const rows: [string, string][] = [
    ['PGlite boot from the boot image (Node)', ms(node.bootMs)],
    [`long run: ${node.longRun.orders} orders, ${node.longRun.steps} steps${node.longRun.settled ? '' : ' (not settled!)'}`, ms(node.longRun.kernelMs)],
    ['  steps per second', node.longRun.stepsPerSecond.toFixed(0)],
    [`  the same ${node.longRun.statements} calls into Postgres, replayed alone`, ms(node.longRun.rawSqlMs)],
    ['  kernel ÷ raw SQL', ratio(node.longRun.kernelOverRaw)],
    [`explore all (${node.explore.patterns.length} patterns, pool of ${node.explore.workers} as \`lab explore all\`): ${node.explore.runs} runs`, ms(node.explore.ms)],
    ['  per run', `${node.explore.msPerRun.toFixed(1)} ms`],
    ['  per run and CPU', `${((node.explore.msPerRun * node.explore.workers)).toFixed(1)} ms`],
  ];
  if (browser) {
    const boot = (page: BrowserFigures['lab']) => (page.medianMs == null ? (page.note ?? '—') : ms(page.medianMs));
    rows.push(
      [`lab page, cold → step playable, median of ${browser.lab.loadsMs.length}`, boot(browser.lab)],
      ['  of which Postgres boot in the worker', ms(browser.lab.workerBootMedianMs)],
      [`lab page, repeat visit → step playable, median of ${browser.labRepeat.loadsMs.length}`, boot(browser.labRepeat)],
      ['  of which Postgres boot in the worker', ms(browser.labRepeat.workerBootMedianMs)],
      [`embed, cold → step playable, median of ${browser.embed.loadsMs.length}`, boot(browser.embed)],
      [`bare fresh-PGlite page → ready, median of ${browser.bare.loadsMs.length}`, boot(browser.bare)],
      ['  lab cold ÷ bare fresh', ratio(browser.labOverBare)],
      ['  lab repeat ÷ bare fresh', ratio(over(browser.labRepeat, browser.bare))],
      ['  embed cold ÷ bare fresh', ratio(over(browser.embed, browser.bare))],
    );
    const rerun = browser.compareRerun;
    const nodeMs = node.explore.msByPattern[rerun.pattern];
    rows.push(
      [`compare page, re-run of ${rerun.pattern} in the browser (boot included)`, rerun.ms == null ? (rerun.note ?? '—') : ms(rerun.ms)],
      [`  the same pattern in the Node pool above`, nodeMs == null ? '—' : ms(nodeMs)],
      ['  browser ÷ Node', ratio(rerun.ms != null && nodeMs ? rerun.ms / nodeMs : null)],
    );
  } else rows.push(['browser', `skipped: ${browserSkipped}`]);
  if (bytes) {
    rows.push(
      [`out/ total (${bytes.total.files} files)`, `${kb(bytes.total.bytes)} (gzip ${kb(bytes.total.gzipBytes)})`],
      [`JS under _next/static (${bytes.js.files} files)`, `${kb(bytes.js.bytes)} (gzip ${kb(bytes.js.gzipBytes)})`],
      [`wasm + data (${bytes.wasmAndData.files} files)`, `${kb(bytes.wasmAndData.bytes)} (gzip ${kb(bytes.wasmAndData.gzipBytes)})`],
      [`lab page first-load JS (${bytes.labFirstLoadJs.files} scripts)`, `${kb(bytes.labFirstLoadJs.bytes)} (gzip ${kb(bytes.labFirstLoadJs.gzipBytes)})`],
      [`embed first-load JS (${bytes.embedFirstLoadJs.files} scripts)`, `${kb(bytes.embedFirstLoadJs.bytes)} (gzip ${kb(bytes.embedFirstLoadJs.gzipBytes)})`],
    );
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\nDual Write Lab benchmark — Node ${process.version}, ${cpus().length} cores, ${started.toISOString()}`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);

  await mkdir(`${ROOT}bench/results`, { recursive: true });
  const summary = summarise(node, browser, browserSkipped, bytes);
  console.log('\nsummary');
  for (const [key, value] of Object.entries(summary)) if (key !== 'notes') console.log(`  ${key.padEnd(24)} ${value ?? 'null'}`);
  for (const line of summary.notes) console.log(`  note: ${line}`);
  const figures = { date: started.toISOString(), node: process.version, cores: cpus().length, summary, nodeFigures: node, browser, browserSkipped, bytes };
  await writeFile(RESULTS, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`\nwritten to bench/results/latest.json`);
}

/** The figures the performance goals are stated in; a null always comes with a note saying why. */
function summarise(node: NodeFigures, browser: BrowserFigures | null, browserSkipped: string | null, bytes: ByteFigures | null) {
  const notes: string[] = [];
  const round = (value: number | null, digits = 2) => (value == null ? null : Number(value.toFixed(digits)));
  const fromBrowser = (name: string, value: number | null | undefined) => {
    if (value == null) notes.push(`${name}: ${browser ? 'a page did not get ready (see browser.*.note)' : `browser skipped: ${browserSkipped}`}`);
    return round(value ?? null);
  };
  const fromBytes = (name: string, value: number | undefined) => {
    if (value == null) notes.push(`${name}: no out/ to measure`);
    return round(value == null ? null : value / 1024, 1);
  };
  return {
    coldOverBareFresh: fromBrowser('coldOverBareFresh', browser && over(browser.lab, browser.bare)),
    repeatOverBareFresh: fromBrowser('repeatOverBareFresh', browser && over(browser.labRepeat, browser.bare)),
    embedColdOverBareFresh: fromBrowser('embedColdOverBareFresh', browser && over(browser.embed, browser.bare)),
    kernelOverRawSql: round(node.longRun.kernelOverRaw),
    exploreMsPerRun: round(node.explore.msPerRun),
    patternFirstLoadJsGzipKB: fromBytes('patternFirstLoadJsGzipKB', bytes?.labFirstLoadJs.gzipBytes),
    embedFirstLoadJsGzipKB: fromBytes('embedFirstLoadJsGzipKB', bytes?.embedFirstLoadJs.gzipBytes),
    exploreRuns: node.explore.runs,
    notes,
  };
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (process.env.DEBUG === '1' ? error.stack : error.message) : String(error)}`);
  process.exitCode = 1;
});
