/**
 * What a process can ask of a Redis-like cache during one of its operations: the contract the
 * cache component (machines/actors/cache.ts) implements.
 */

export type CacheCallResult = { ok: true } | { ok: false; error: string };
/** `written` is false when the cache already held a version at least as new, which it kept. */
export type CacheSetIfNewerResult = { ok: true; written: boolean; cachedVersion: number | null } | { ok: false; error: string };
export type CacheGetResult = { ok: true; value: string | null } | { ok: false; error: string };
/** A miss answered with a lease token (memcache leases); a hit carries none. */
export type CacheLeaseGetResult = { ok: true; value: string | null; lease: number | null } | { ok: false; error: string };
/** `written` is false when the lease was invalidated (a DEL came after the miss) or superseded. */
export type CacheLeaseSetResult = { ok: true; written: boolean } | { ok: false; error: string };

/** The calls a participant makes on the cache during one operation. */
export interface CachePort {
  get(key: string): CacheGetResult;
  set(key: string, value: string, ttlMs?: number): CacheCallResult;
  del(key: string): CacheCallResult;
  /**
   * SET only when the key is absent or holds an older version, in one atomic step: what a Lua
   * script (EVAL) or a WATCH/MULTI/EXEC transaction does in Redis, the compare-and-set fix.
   */
  setIfNewer(key: string, value: string, version: number, ttlMs?: number): CacheSetIfNewerResult;
  /**
   * GET that, on a miss, hands out a lease token for the key, as memcache does (Nishtala et al.,
   * "Scaling Memcache at Facebook", 2013). A DEL of the key invalidates its lease.
   */
  getWithLease(key: string): CacheLeaseGetResult;
  /** SET that only takes effect while its lease is still the key's valid one. */
  setWithLease(key: string, value: string, lease: number, ttlMs?: number): CacheLeaseSetResult;
}
