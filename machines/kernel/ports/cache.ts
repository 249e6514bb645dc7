/**
 * What a process can ask of a Redis-like cache during one of its operations: the contract the
 * cache component (machines/actors/cache.ts) implements.
 */

export type CacheCallResult = { ok: true } | { ok: false; error: string };
export type CacheGetResult = { ok: true; value: string | null } | { ok: false; error: string };

/** The calls a participant makes on the cache during one operation. */
export interface CachePort {
  get(key: string): CacheGetResult;
  set(key: string, value: string, ttlMs?: number): CacheCallResult;
  del(key: string): CacheCallResult;
}
