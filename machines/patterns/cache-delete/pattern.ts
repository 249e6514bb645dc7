/**
 * cache-delete — cache-aside where each writer, after its commit, deletes the key instead of
 * setting it, and the next reader's miss refills the cache from Postgres. Seed 003 calls this
 * always safe and says a failed DELETE just means a cache miss. The lab shows where it is right
 * and where it is not:
 * - two DELs commute: whatever order two writers' deletes land in, the key ends absent, so a
 *   writer that pauses before its DEL does no lasting harm (this is where DEL beats SET);
 * - a DEL that fails or never runs leaves the old value, not a miss, until the TTL;
 * - a reader that read the old row before a commit and fills the cache after that commit's DEL
 *   puts the old value back, again until the TTL.
 * Its variants are the fixes teams use: double-delete, lease, and cdc-invalidation, where the DEL
 * comes from the WAL through a connector and an invalidator (../cache-aside/invalidation.ts).
 */
import { cacheAsidePattern } from '../cache-aside/definition';
import { info } from './info';

export const pattern = cacheAsidePattern(info, 'delete');
