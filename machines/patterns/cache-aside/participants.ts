/** Who takes part in the cache-aside story, and where the flow view puts them (plain data). */
import type { Participant } from '../../kernel/types';
import { broker, client, postgres, service } from '../participants';

export const CACHE_ASIDE_PARTICIPANTS: Participant[] = [
  { ...client, at: { col: 0, row: 1 } },
  { ...service, label: 'Writer', at: { col: 1, row: 0 } },
  { id: 'cache', label: 'Cache', kind: 'cache', process: false, at: { col: 1, row: 1 } },
  { id: 'service-2', label: 'Second writer', kind: 'service', process: true, at: { col: 1, row: 2 } },
  { id: 'reader', label: 'Reader', kind: 'service', process: true, at: { col: 2, row: 0 } },
  { ...postgres, at: { col: 2, row: 1 } },
];

/**
 * cache-delete's cdc-invalidation adds the path from the WAL to the cache: a connector under
 * Postgres, the broker it publishes to, and the invalidator that consumes and deletes keys,
 * closing the loop back to the cache. The processes show only in runs of that variant.
 */
export const CACHE_INVALIDATION_PARTICIPANTS: Participant[] = [
  ...CACHE_ASIDE_PARTICIPANTS,
  { id: 'connector', label: 'Connector', kind: 'connector', process: true, at: { col: 2, row: 2 } },
  { ...broker, at: { col: 2, row: 3 } },
  { id: 'invalidator', label: 'Invalidator', kind: 'consumer', process: true, at: { col: 1, row: 3 } },
];
