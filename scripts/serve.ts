/**
 * Serves the static export in out/ (`npm start`, `npm run serve`, Playwright's web server and the
 * benchmark all use this one server). Built on sirv, with what a Next static export and PGlite
 * need on top: `/patterns/x` redirects to `/patterns/x/` (next.config.ts sets trailingSlash),
 * `.data` is sent as bytes, a miss gets out/404.html with status 404, and every file stream is
 * closed when its response ends, however it ends.
 *
 *   tsx scripts/serve.ts [--port 3000] [--host 127.0.0.1] [--dir out]
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sirv from 'sirv';
import { echo } from '../machines/kernel/echo';
import { parseDecimal } from '../machines/kernel/scenario';

// sirv's own table (mrmime) has no entry for .data (PGlite's file system image) and would send an
// empty Content-Type; .wasm is already application/wasm, which streaming compilation requires.
const CONTENT_TYPES: ReadonlyMap<string, string> = new Map([['.data', 'application/octet-stream']]);

/**
 * sirv pipes a file stream into the response with `.pipe()`, which neither destroys the stream
 * when the client goes away mid-transfer nor listens for its errors: each aborted download of the
 * 9 MB wasm kept a file descriptor open for good, and a file deleted by a rebuild while being
 * served was an unhandled 'error' that killed the server. The response's 'pipe' event hands us
 * the stream, so both are handled here ('close' also follows a normal end; destroy is then a no-op).
 */
function closeStreamWithResponse(res: ServerResponse): void {
  res.once('pipe', (source: Readable) => {
    source.once('error', () => res.destroy());
    res.once('close', () => source.destroy());
  });
}

/** The directory a path names inside root, or null when it escapes root or cannot be decoded. */
function insideRoot(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const path = resolve(root, `.${decoded}`);
  return path === root || path.startsWith(root + sep) ? path : null;
}

function isDirectoryWithIndex(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true && existsSync(join(path, 'index.html'));
}

function sendNotFound(root: string, req: IncomingMessage, res: ServerResponse): void {
  const page = join(root, '404.html');
  if (!existsSync(page)) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
  if (req.method === 'HEAD') res.end();
  else pipeline(createReadStream(page), res, () => {});
}

export function createStaticHandler(dir: string): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(dir);
  const files = sirv(root, {
    // Look files up on each request rather than once at start: a rebuilt out/ is served as it is
    // now (Playwright reuses a running server), and the stat is cheap next to sending the file.
    dev: true,
    etag: true,
    onNoMatch: (req, res) => sendNotFound(root, req, res),
    setHeaders: (res, pathname) => {
      const type = CONTENT_TYPES.get(extname(pathname));
      if (type) res.setHeader('Content-Type', type);
      // Hashed build output never changes under its name; everything else revalidates (ETag).
      if (pathname.startsWith('/_next/static/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    // The export has patterns/x/index.html: send /patterns/x to /patterns/x/ as `next start` would,
    // so the address bar (and a copied link) has one form.
    if (!url.pathname.endsWith('/') && extname(url.pathname) === '') {
      const path = insideRoot(root, url.pathname);
      if (path && isDirectoryWithIndex(path)) {
        // One leading slash: "//host/x" would be a redirect to another site.
        res.writeHead(308, { Location: `/${url.pathname.replace(/^\/+/, '')}/${url.search}` }).end();
        return;
      }
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    closeStreamWithResponse(res);
    files(req, res);
  };
}

export interface RunningServer {
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startStaticServer(options: { dir: string; port: number; host: string }): Promise<RunningServer> {
  const server = createServer(createStaticHandler(options.dir));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, done);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    origin: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

const USAGE = 'usage: tsx scripts/serve.ts [--port <0–65535, default 3000>] [--host <address, default 127.0.0.1>] [--dir <folder, default out>]';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string', short: 'p' }, host: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`serve: ${error instanceof Error ? error.message.split('. ')[0] : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = values.port === undefined ? 3000 : parseDecimal(values.port, 65_535);
  if (port === null) {
    process.stderr.write(`serve: --port must be a whole number written in decimal digits, from 0 to 65535; got ${echo(values.port!)}\n`);
    return 2;
  }
  const dir = values.dir ?? 'out';
  if (!existsSync(join(dir, 'index.html'))) {
    process.stderr.write(`serve: ${echo(dir)} has no index.html; build the site first (npm run build)\n`);
    return 2;
  }
  const server = await startStaticServer({ dir, port, host: values.host ?? '127.0.0.1' });
  process.stdout.write(`serving ${dir}/ on ${server.origin}/\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));
  return 0;
}

// Run as a script (npm start), not when imported by the benchmark or the soak.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exitCode = code;
}
