/** cache-delete as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { CACHE_INVALIDATION_PARTICIPANTS } from '../cache-aside/participants';

export const info: PatternInfo = {
  id: 'cache-delete',
  title: 'Cache-aside: DELETE after the write',
  promise: 'Commit the change to Postgres, then delete the cached key so the next read reloads it.',
  worstAnomaly: 'stale-cache',
  // The connector, broker and invalidator take part in cdc-invalidation only.
  participants: CACHE_INVALIDATION_PARTICIPANTS,
  variants: [
    {
      id: 'default',
      label: 'DEL after commit',
      worstAnomaly: 'stale-cache',
      summary:
        'Delete is not always safe. Two late DELs commute, so reordered writers leave no stale key behind, unlike SET; but until the late DEL lands, readers are served the old value. A DEL that fails or never runs keeps it until the TTL, not a miss; and a reader that read the old row before the commit and fills after the DEL puts it back.',
    },
    {
      id: 'double-delete',
      label: 'Delete, wait, delete again',
      worstAnomaly: 'stale-cache',
      summary:
        'Each writer deletes the key after its commit and again after a wait longer than the slowest read (2.2 s here, against the lab\'s 2 s stall; in production a few hundred ms to a second), so a slow reader\'s old fill is removed. It narrows the window, it does not close it: reads before the second DEL are still served the old value, a fill slower than the wait stays, and a DEL that never runs leaves it too.',
    },
    {
      id: 'lease',
      label: 'Fills under a lease',
      worstAnomaly: 'stale-cache',
      summary:
        'A miss hands the reader a lease token and its fill must present it; a DEL of the key invalidates the lease, as in memcache at Facebook (Nishtala et al., 2013). A reader that read the old row before a commit can no longer fill it after that commit\'s DEL: its SET is refused. It does nothing for a DEL that is late or never runs: reads until then, or until the TTL, get the old value. Real memcache also hands one lease per key every 10 s to calm a thundering herd; the lab leaves that out.',
    },
    {
      id: 'cdc-invalidation',
      label: 'Invalidate from the WAL',
      worstAnomaly: 'stale-cache',
      summary:
        "The writers only commit; a connector tails the WAL and an invalidator DELs each changed order's key, retrying until the cache takes it (Debezium plus a small consumer; Facebook's mcsqueal does it from the MySQL log). No commit loses its delete. But the DEL lands a poll later (0.5 s here), so reads in between get the old value, and a reader that fills after the DEL still leaves an old row until the TTL: leases close that, the log does not.",
    },
  ],
  hasConsumer: false,
  scriptedRequests: true,
  order: 130,
  faultTargets: {
    client: ['send-order'],
    service: ['update-order', 'cache-delete', 'restart', 'cache-delete-again'],
    'service-2': ['update-order', 'cache-delete', 'restart', 'cache-delete-again'],
    reader: ['lookup', 'load', 'fill', 'restart'],
    connector: ['connect', 'poll', 'publish', 'store-position', 'advance-slot', 'heartbeat', 'restart'],
    invalidator: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};
