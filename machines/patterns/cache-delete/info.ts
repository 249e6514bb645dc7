/** cache-delete as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { client, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'cache-delete',
  title: 'Cache-aside: DELETE after the write',
  promise: 'Commit the change to Postgres, then delete the cached key so the next read reloads it.',
  worstAnomaly: 'stale-cache',
  participants: [
    { ...client, at: { col: 0, row: 1 } },
    { ...service, label: 'Writer', at: { col: 1, row: 0 } },
    { id: 'cache', label: 'Cache', kind: 'cache', process: false, at: { col: 1, row: 1 } },
    { id: 'service-2', label: 'Second writer', kind: 'service', process: true, at: { col: 1, row: 2 } },
    { id: 'reader', label: 'Reader', kind: 'service', process: true, at: { col: 2, row: 0 } },
    { ...postgres, at: { col: 2, row: 1 } },
  ],
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
