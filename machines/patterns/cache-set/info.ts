/** cache-set as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { CACHE_ASIDE_PARTICIPANTS } from '../cache-aside/participants';

export const info: PatternInfo = {
  id: 'cache-set',
  title: 'Cache-aside: SET after the write',
  promise: 'Commit the change to Postgres, then SET the new value in the cache.',
  worstAnomaly: 'stale-cache',
  participants: CACHE_ASIDE_PARTICIPANTS,
  variants: [
    {
      id: 'default',
      label: 'SET after commit',
      worstAnomaly: 'stale-cache',
      summary:
        'Each writer commits, then SETs the row it wrote. Between the two, readers get the old value. A SET that fails or never runs keeps it until the TTL ends or the next write heals the key; two writers whose SETs land in the other order leave the older one.',
    },
    {
      id: 'versioned-set',
      label: 'Compare-and-set on the version',
      worstAnomaly: 'stale-cache',
      summary:
        'Every SET, the writers\' and the reader\'s fill, writes only over an older version, in one atomic step (in Redis a Lua script or WATCH/MULTI/EXEC; here the cache does it at once). SETs landing in the wrong order no longer leave the older value; a SET that fails or never runs still does, until the TTL or the next write.',
    },
  ],
  hasConsumer: false,
  scriptedRequests: true,
  order: 120,
  faultTargets: {
    client: ['send-order'],
    service: ['update-order', 'cache-set', 'restart'],
    'service-2': ['update-order', 'cache-set', 'restart'],
    reader: ['lookup', 'load', 'fill', 'restart'],
  },
};
