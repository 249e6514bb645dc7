/**
 * Counts the bytes of what a first visit downloads before Postgres can start: the boot image
 * and PGlite's own WebAssembly and file-system bundle, which PGlite fetches itself. Those fetches
 * are seen by wrapping the worker's `fetch` while Postgres boots, so the loading bar moves with
 * real bytes instead of sitting at one figure for the whole wait.
 */

export interface DownloadSummary {
  loaded: number;
  /** The sum of the known sizes; null while any file's size is unknown (sent compressed, no length). */
  total: number | null;
  /** Files still arriving. */
  inFlight: number;
}

interface FileCount {
  loaded: number;
  total: number | null;
  done: boolean;
}

export class DownloadMeter {
  private readonly files = new Map<string, FileCount>();

  constructor(private readonly onChange: (summary: DownloadSummary) => void) {}

  /**
   * A file about to be fetched, with the size it is known to have unpacked (a host compressing
   * on the fly sends no usable length): the total is right from the first byte, and the bar never
   * jumps back when a later file adds its size.
   */
  expect(name: string, size: number): void {
    this.files.set(name, { loaded: 0, total: size, done: false });
  }

  update(name: string, loaded: number, total: number | null, done = false): void {
    const expected = this.files.get(name)?.total ?? null;
    this.files.set(name, { loaded, total: total ?? expected, done });
    this.onChange(this.summary());
  }

  summary(): DownloadSummary {
    let loaded = 0;
    let total: number | null = 0;
    let inFlight = 0;
    for (const file of this.files.values()) {
      loaded += file.loaded;
      total = total === null || file.total === null ? null : total + Math.max(file.total, file.loaded);
      if (!file.done) inFlight += 1;
    }
    return { loaded, total, inFlight };
  }
}

/** The length a response's body will have once read, when the headers say it. */
export function bodyLength(headers: Headers): number | null {
  // With a Content-Encoding the length is of the packed bytes; the stream gives unpacked ones.
  if (headers.get('content-encoding')) return null;
  const length = Number(headers.get('content-length'));
  return Number.isFinite(length) && length > 0 ? length : null;
}

async function count(body: ReadableStream<Uint8Array>, report: (loaded: number, done: boolean) => void): Promise<void> {
  const reader = body.getReader();
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      loaded += value.byteLength;
      report(loaded, false);
    }
  } catch {
    // A download that fails is the caller's to report; the bar just stops counting it.
  }
  report(loaded, true);
}

/**
 * Wraps `globalThis.fetch` so the responses of matching URLs report their bytes to the meter as
 * they arrive; returns the function that puts the original back.
 */
export function meterFetches(meter: DownloadMeter, matches: (url: string) => boolean): () => void {
  const original = globalThis.fetch;
  const metered: typeof fetch = async (input, init) => {
    const response = await original(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!matches(url) || !response.ok || !response.body) return response;
    const total = bodyLength(response.headers);
    meter.update(url, 0, total);
    // Counted on a copy: the caller keeps the response fetch gave, whose URL lets the browser
    // cache the compiled WebAssembly (a rebuilt Response has none, and a repeat visit would
    // compile 9 MB again).
    void count(response.clone().body!, (loaded, done) => meter.update(url, loaded, total, done));
    return response;
  };
  globalThis.fetch = metered;
  return () => {
    if (globalThis.fetch === metered) globalThis.fetch = original;
  };
}
