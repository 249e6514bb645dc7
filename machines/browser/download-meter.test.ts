import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DownloadMeter, meterFetches, type DownloadSummary } from './download-meter';

const BODY = new Uint8Array(300_000).map((_, i) => i % 251);
let server: Server;
let base: string;

beforeAll(async () => {
  // A real HTTP server: the sizes come from real headers, compressed or not, as a host sends them.
  server = createServer((request, response) => {
    if (request.url === '/plain.wasm') {
      response.writeHead(200, { 'content-type': 'application/wasm', 'content-length': BODY.byteLength });
      response.end(BODY);
    } else if (request.url === '/packed.data') {
      const packed = gzipSync(BODY);
      response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': packed.byteLength });
      response.end(packed);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<p>page</p>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('counting the bytes of the boot downloads', () => {
  it('reports each file as it arrives, totals from the headers, and hands on the response fetch gave', async () => {
    const seen: DownloadSummary[] = [];
    const meter = new DownloadMeter((summary) => seen.push(summary));
    const restore = meterFetches(meter, (url) => /\.(wasm|data)$/.test(url));
    try {
      const response = await fetch(`${base}/plain.wasm`);
      // The very response, URL and all: the browser caches compiled WebAssembly by it.
      expect(response.url).toBe(`${base}/plain.wasm`);
      expect(response.headers.get('content-type')).toBe('application/wasm');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(BODY);
      // The count runs on a copy of the body, beside the reader: it finishes on its own.
      await vi.waitFor(() => expect(meter.summary()).toEqual({ loaded: BODY.byteLength, total: BODY.byteLength, inFlight: 0 }));
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.map((s) => s.loaded)).toEqual([...seen.map((s) => s.loaded)].sort((a, b) => a - b));

      // Sent compressed, the length is of the packed bytes: the total is unknown, the count is of what the reader gets.
      const packed = await fetch(`${base}/packed.data`);
      expect(new Uint8Array(await packed.arrayBuffer())).toEqual(BODY);
      await vi.waitFor(() => expect(meter.summary()).toEqual({ loaded: 2 * BODY.byteLength, total: null, inFlight: 0 }));

      const before = seen.length;
      await (await fetch(`${base}/page`)).text();
      expect(seen.length).toBe(before);
    } finally {
      restore();
    }
    expect(globalThis.fetch.toString()).not.toContain('meter');
  });

  it('counts a file still arriving as in flight', () => {
    const meter = new DownloadMeter(() => {});
    meter.update('a', 10, 100);
    meter.update('b', 5, 50, true);
    expect(meter.summary()).toEqual({ loaded: 15, total: 150, inFlight: 1 });
  });
});
