/** cache-delete as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { CACHE_ASIDE_PARTICIPANTS } from '../cache-aside/participants';

export const info: PatternInfo = {
  id: 'cache-delete',
  title: 'Cache-aside: DELETE after the write',
  promise: 'Commit the change to Postgres, then delete the cached key so the next read reloads it.',
  worstAnomaly: 'stale-cache',
  participants: CACHE_ASIDE_PARTICIPANTS,
  variants: [
    {
      id: 'default',
      label: 'DEL after commit',
      worstAnomaly: 'stale-cache',
      summary:
        'Delete is not always safe. Two late DELs commute, so reordered writers leave no stale key behind, unlike SET; but until the late DEL lands, readers are served the old value. A DEL that fails or never runs keeps it until the TTL, not a miss; and a reader that read the old row before the commit and fills after the DEL puts it back.',
    },
  ],
  hasConsumer: false,
  scriptedRequests: true,
  order: 130,
  faultTargets: {
    client: ['send-order'],
    service: ['update-order', 'cache-delete', 'restart'],
    'service-2': ['update-order', 'cache-delete', 'restart'],
    reader: ['lookup', 'load', 'fill', 'restart'],
  },
};
