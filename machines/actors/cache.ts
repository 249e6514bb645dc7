/**
 * A Redis-like cache in front of Postgres: string keys, string values, a time to live per key.
 * It is passive, like the broker: participants call it during their operations, and every call
 * shows in the trace. A `cache-unavailable` fault makes the call fail and change nothing.
 *
 * Besides what it holds, it keeps the lab's own record of every read it answered (not something
 * a participant can see): the checker uses it to tell how many readers a stale value reached.
 */
import type { TraceSink } from '../kernel/traced-database';
import type { TableSnapshot } from '../kernel/types';
import type { CacheCallResult, CacheGetResult, CachePort } from '../kernel/ports/cache';

export type { CacheCallResult, CacheGetResult, CacheLeaseGetResult, CacheLeaseSetResult, CachePort, CacheSetIfNewerResult } from '../kernel/ports/cache';

export const CACHE_PARTICIPANT = 'cache';
/** Simulated milliseconds a value lives unless the writer says otherwise. */
export const DEFAULT_TTL_MS = 30_000;

export interface CacheEntry {
  key: string;
  value: string;
  setAt: number;
  expiresAt: number;
  setBy: string;
  /** The version a compare-and-set wrote (setIfNewer); a plain SET carries none. */
  version?: number;
}

/** One read the cache answered: a hit with the value it served, or a miss. */
export interface CacheRead {
  /** The step whose operation made the call. */
  step: number;
  t: number;
  key: string;
  by: string;
  value: string | null;
}

const UNAVAILABLE = 'cache unavailable: connection pool exhausted';

function shorten(value: string, max = 48): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

export class Cache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #reads: CacheRead[] = [];
  /** The valid lease token per key, handed out on a miss and cleared by a DEL or the SET it allows. */
  readonly #leases = new Map<string, number>();
  #leasesIssued = 0;
  /** Whether anyone has called the cache in this run (only cache patterns do). */
  #used = false;

  get used(): boolean {
    return this.#used;
  }

  /** The entries still alive at `now`, by key. */
  live(now: number): CacheEntry[] {
    return [...this.#entries.values()].filter((e) => e.expiresAt > now).sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
  }

  reads(): readonly CacheRead[] {
    return this.#reads;
  }

  /** What the cache holds right now, for the live views. */
  inspection(now: number): TableSnapshot {
    return {
      name: 'cache',
      note: 'Keys the cache holds now, with simulated expiry times.',
      columns: ['key', 'value', 'set_by', 'set_at_ms', 'expires_at_ms'],
      rows: this.live(now).map((e) => ({ key: e.key, value: e.value, set_by: e.setBy, set_at_ms: e.setAt, expires_at_ms: e.expiresAt })),
    };
  }

  port(sink: TraceSink, now: number, step: number): CachePort {
    const call = (label: string): string | null => {
      this.#used = true;
      const refused = sink.armed('cache-unavailable');
      if (refused) sink.strike();
      sink.emit({ from: sink.actor, to: CACHE_PARTICIPANT, kind: 'cache', label, ok: !refused, ...(refused ? { fault: refused } : {}) });
      if (!refused) return null;
      sink.emit({ from: CACHE_PARTICIPANT, to: sink.actor, kind: 'error', label: UNAVAILABLE, ok: false, fault: refused });
      return UNAVAILABLE;
    };
    const answer = (label: string) => sink.emit({ from: CACHE_PARTICIPANT, to: sink.actor, kind: 'reply', label, ok: true });

    return {
      get: (key) => {
        const error = call(`GET ${key}`);
        if (error) return { ok: false, error };
        const entry = this.#entries.get(key);
        const value = entry && entry.expiresAt > now ? entry.value : null;
        if (entry && value === null) this.#entries.delete(key);
        this.#reads.push({ step, t: now, key, by: sink.actor, value });
        answer(value === null ? `(nil)${entry ? ': expired' : ''}` : shorten(value));
        return { ok: true, value };
      },
      set: (key, value, ttlMs = DEFAULT_TTL_MS) => {
        const error = call(`SET ${key} ${shorten(value, 32)} EX ${ttlMs / 1000}`);
        if (error) return { ok: false, error };
        this.#entries.set(key, { key, value, setAt: now, expiresAt: now + ttlMs, setBy: sink.actor });
        sink.markMutation();
        answer('OK');
        return { ok: true };
      },
      setIfNewer: (key, value, version, ttlMs = DEFAULT_TTL_MS) => {
        const error = call(`EVAL set-if-newer ${key} v${version} EX ${ttlMs / 1000}`);
        if (error) return { ok: false, error };
        const current = this.#entries.get(key);
        const alive = current && current.expiresAt > now ? current : undefined;
        const cachedVersion = alive?.version ?? null;
        // A live value of unknown version (a plain SET) is treated as older: only versions compare.
        if (cachedVersion !== null && cachedVersion >= version) {
          answer(`(integer) 0: holds v${cachedVersion}, kept`);
          return { ok: true, written: false, cachedVersion };
        }
        this.#entries.set(key, { key, value, setAt: now, expiresAt: now + ttlMs, setBy: sink.actor, version });
        sink.markMutation();
        answer('(integer) 1');
        return { ok: true, written: true, cachedVersion };
      },
      del: (key) => {
        const error = call(`DEL ${key}`);
        if (error) return { ok: false, error };
        const existed = this.#entries.delete(key);
        // A DEL also invalidates an outstanding lease: a fill from a read before it must not land.
        const leased = this.#leases.delete(key);
        if (existed || leased) sink.markMutation();
        answer(`(integer) ${existed ? 1 : 0}${leased ? ', lease invalidated' : ''}`);
        return { ok: true };
      },
      getWithLease: (key) => {
        const error = call(`GET ${key} (lease on miss)`);
        if (error) return { ok: false, error };
        const entry = this.#entries.get(key);
        const value = entry && entry.expiresAt > now ? entry.value : null;
        if (entry && value === null) this.#entries.delete(key);
        this.#reads.push({ step, t: now, key, by: sink.actor, value });
        if (value !== null) {
          answer(shorten(value));
          return { ok: true, value, lease: null };
        }
        // One token per miss; a newer one supersedes the older, so only the latest filler may SET.
        this.#leasesIssued += 1;
        this.#leases.set(key, this.#leasesIssued);
        answer(`(nil), lease ${this.#leasesIssued}`);
        return { ok: true, value: null, lease: this.#leasesIssued };
      },
      setWithLease: (key, value, lease, ttlMs = DEFAULT_TTL_MS) => {
        const error = call(`SET ${key} ${shorten(value, 32)} EX ${ttlMs / 1000} lease ${lease}`);
        if (error) return { ok: false, error };
        if (this.#leases.get(key) !== lease) {
          answer(`NOT_STORED: lease ${lease} invalidated`);
          return { ok: true, written: false };
        }
        this.#leases.delete(key);
        this.#entries.set(key, { key, value, setAt: now, expiresAt: now + ttlMs, setBy: sink.actor });
        sink.markMutation();
        answer('STORED');
        return { ok: true, written: true };
      },
    };
  }
}
