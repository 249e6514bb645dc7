/**
 * cache-set — cache-aside where each writer, after its commit, SETs the row it wrote into the
 * cache. The cache is a second system with no transaction shared with Postgres, so this is a dual
 * write like any other: a SET that fails or never runs leaves the old value in place, and two
 * writers whose SETs arrive in the other order than their commits leave the older value behind.
 * Either way readers are served it until the key expires (TTL 30 s simulated).
 */
import { cacheAsidePattern } from '../cache-aside/definition';
import { info } from './info';

export const pattern = cacheAsidePattern(info, 'set');
