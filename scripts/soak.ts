/**
 * Soak of the static server behind `npm start` (scripts/serve.ts): the previous one leaked a file
 * handle on every 304 and died with EMFILE after ~735 page loads. This starts the real server as
 * a child process on out/, loads pages the way a browser that has them cached does (a GET, then a
 * conditional GET answered 304), aborts a download of the big wasm now and then (a reload during
 * boot), and prints the server's open handles (/proc/<pid>/fd) before, at peak and after.
 * Figures, not a test: it exits 1 only when a reply is wrong or handles are left open.
 *
 *   npm run build && npm run soak [-- --loads 2000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDecimal } from '../machines/kernel/scenario';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGES = ['/', '/patterns/naive-db-first/', '/patterns/outbox-polling/', '/embed/naive-db-first/', '/patterns/cache-set/'];
/** Every this many loads, one download of the largest asset is cut off after its headers. */
const ABORT_EVERY = 10;
/** Page loads in flight at once, like a few tabs. */
const CONCURRENCY = 4;
/** The loop stops by itself after this long even if the loads are not done. */
const DEADLINE_MS = 180_000;
/** Open handles that may differ after the run without a leak (libuv and the runtime open a few lazily). */
const HANDLE_SLACK = 5;

export function openHandles(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null; // No /proc (macOS): the figures are the requests alone.
  }
}

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
}

function get(agent: Agent, origin: string, path: string, headers: Record<string, string> = {}, abortAfterHeaders = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { agent, headers }, (res) => {
      const reply = { status: res.statusCode ?? 0, headers: res.headers };
      if (abortAfterHeaders) {
        // Like a reload mid-download: the connection goes away with the body still coming.
        req.destroy();
        resolve(reply);
        return;
      }
      res.resume();
      res.once('end', () => resolve(reply));
      res.once('error', reject);
    });
    req.once('error', (error) => (abortAfterHeaders ? resolve({ status: -1, headers: {} }) : reject(error)));
    req.end();
  });
}

export interface SoakFigures {
  loads: number;
  requests: number;
  aborted: number;
  ms: number;
  handles: { before: number | null; peak: number | null; after: number | null };
  wrong: string[];
}

/** Runs the loads against a server already listening at origin, whose process is pid. */
export async function soak(origin: string, pid: number, loads: number, largeAsset: string | null): Promise<SoakFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const wrong: string[] = [];
  const before = openHandles(pid);
  let peak = before;
  let requests = 0;
  let aborted = 0;
  let next = 0;
  const started = performance.now();
  const expect = (path: string, reply: Reply, status: number) => {
    if (reply.status !== status && wrong.length < 20) wrong.push(`${path}: ${reply.status}, expected ${status}`);
  };

  async function load(n: number): Promise<void> {
    const path = PAGES[n % PAGES.length]!;
    const page = await get(agent, origin, path);
    expect(path, page, 200);
    const etag = String(page.headers.etag ?? '');
    const modified = String(page.headers['last-modified'] ?? '');
    const cached = await get(agent, origin, path, { 'If-None-Match': etag, 'If-Modified-Since': modified });
    expect(`${path} (conditional)`, cached, 304);
    requests += 2;
    if (largeAsset && n % ABORT_EVERY === 0) {
      // A fresh connection each time: the cut-off one cannot be reused.
      await get(new Agent(), origin, largeAsset, {}, true);
      aborted += 1;
      requests += 1;
    }
    if (n % 100 === 0) {
      const now = openHandles(pid);
      if (now !== null && (peak === null || now > peak)) peak = now;
    }
  }

  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < loads && performance.now() - started < DEADLINE_MS) await load(next++);
    }),
  );
  const ms = performance.now() - started;
  agent.destroy();

  // The server closes its side once it sees ours go: give it a moment, then read the count.
  let after = openHandles(pid);
  for (let tries = 0; before !== null && after !== null && after > before && tries < 40; tries++) {
    await new Promise((r) => setTimeout(r, 50));
    after = openHandles(pid);
  }
  return { loads: Math.min(next, loads), requests, aborted, ms, handles: { before, peak, after }, wrong };
}

function startServer(): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts', '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const origin = /on (http:\/\/\S+?)\/?\s/.exec(out)?.[1];
      if (origin) resolve({ child, origin });
    });
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code} before listening`)));
  });
}

function largestAsset(): string | null {
  const media = `${ROOT}out/_next/static/media`;
  if (!existsSync(media)) return null;
  const wasm = readdirSync(media).find((name) => name.endsWith('.wasm') && name.startsWith('pglite'));
  return wasm ? `/_next/static/media/${wasm}` : null;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { loads: { type: 'string' } }, strict: true });
  const loads = values.loads === undefined ? 2000 : parseDecimal(values.loads, 100_000, 1);
  if (loads === null) {
    process.stderr.write('soak: --loads must be a whole number from 1 to 100000 in decimal digits\n');
    return 2;
  }
  if (!existsSync(`${ROOT}out/index.html`)) {
    process.stderr.write('soak: out/ has no site yet; run npm run build first\n');
    return 2;
  }
  const { child, origin } = await startServer();
  try {
    const figures = await soak(origin, child.pid!, loads, largestAsset());
    const { before, peak, after } = figures.handles;
    const show = (n: number | null) => (n === null ? 'n/a' : String(n));
    process.stdout.write(
      [
        `soak of scripts/serve.ts on ${origin} (pid ${child.pid})`,
        `  ${figures.loads} page loads (GET 200 + conditional GET 304 over ${PAGES.length} pages), ${figures.aborted} aborted wasm downloads, ${figures.requests} requests`,
        `  ${Math.round(figures.ms)} ms in all, ${(figures.ms / Math.max(1, figures.loads)).toFixed(2)} ms per page load`,
        `  open handles of the server: ${show(before)} before, ${show(peak)} at peak, ${show(after)} after`,
        ...figures.wrong.map((w) => `  wrong reply: ${w}`),
      ].join('\n') + '\n',
    );
    const leaked = before !== null && after !== null && after > before + HANDLE_SLACK;
    if (leaked) process.stdout.write(`  LEAK: ${after - before} handles more than before\n`);
    if (figures.loads < loads) process.stdout.write(`  stopped at the ${DEADLINE_MS / 1000} s deadline\n`);
    return figures.wrong.length > 0 || leaked || figures.loads < loads ? 1 : 0;
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
