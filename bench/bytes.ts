/** Bytes shipped, raw and gzipped (what a server with compression sends), measured from `out/`. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Size {
  files: number;
  bytes: number;
  gzipBytes: number;
}

export interface ByteFigures {
  total: Size;
  js: Size;
  wasmAndData: Size;
  labFirstLoadJs: Size & { scripts: string[] };
  embedFirstLoadJs: Size & { scripts: string[] };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat();
}

async function sizeOf(files: string[]): Promise<Size> {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = await readFile(file);
    bytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { files: files.length, bytes, gzipBytes };
}

/**
 * `<script src>` of a page: what the browser must fetch and run before the page is interactive.
 * `noModule` scripts (Next's polyfills, ~39 KB gzip) are skipped: browsers with modules, every one
 * the lab runs in, never download them.
 */
function scriptSources(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>/g)]
    .filter((m) => !/\bnoModule\b/i.test(m[1]!))
    .flatMap((m) => /\bsrc="([^"]+)"/.exec(m[1]!)?.[1] ?? [])
    .map((src) => src.replace(/[?#].*$/, ''));
}

async function firstLoadJs(outDir: string, files: string[], page: string): Promise<Size & { scripts: string[] }> {
  const html = await readFile(join(outDir, page), 'utf8').catch(() => '');
  const scripts = [...new Set(scriptSources(html))];
  const scriptFiles = scripts.map((src) => join(outDir, src.replace(/^\//, ''))).filter((f) => files.includes(f));
  return { ...(await sizeOf(scriptFiles)), scripts };
}

export async function byteFigures(outDir: string): Promise<ByteFigures> {
  const files = await walk(outDir);
  const rel = (f: string) => relative(outDir, f).split('\\').join('/');
  const js = files.filter((f) => /^_next\/static\/.*\.js$/.test(rel(f)));
  const assets = files.filter((f) => /\.(wasm|data)$/.test(f) || /^generated\/postgres\//.test(rel(f)));
  return {
    total: await sizeOf(files),
    js: await sizeOf(js),
    wasmAndData: await sizeOf(assets),
    labFirstLoadJs: await firstLoadJs(outDir, files, 'patterns/outbox-polling/index.html'),
    embedFirstLoadJs: await firstLoadJs(outDir, files, 'embed/outbox-polling/index.html'),
  };
}
