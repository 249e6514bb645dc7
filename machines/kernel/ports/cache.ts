/**
 * What a process can ask of a Redis-like cache during one of its operations: the contract the
 * cache component (machines/actors/cache.ts) implements.
 */

export type CacheCallResult = { ok: true } | { ok: false; error: string };
/** `written` is false when the cache already held a version at least as new, which it kept. */
export type CacheSetIfNewerResult = { ok: true; written: boolean; cachedVersion: number | null } | { ok: false; error: string };
export type CacheGetResult = { ok: true; value: string | null } | { ok: false; error: string };

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
}
