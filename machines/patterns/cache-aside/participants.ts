/** Who takes part in the cache-aside story, and where the flow view puts them (plain data). */
import type { Participant } from '../../kernel/types';
import { client, postgres, service } from '../participants';

export const CACHE_ASIDE_PARTICIPANTS: Participant[] = [
  { ...client, at: { col: 0, row: 1 } },
  { ...service, label: 'Writer', at: { col: 1, row: 0 } },
  { id: 'cache', label: 'Cache', kind: 'cache', process: false, at: { col: 1, row: 1 } },
  { id: 'service-2', label: 'Second writer', kind: 'service', process: true, at: { col: 1, row: 2 } },
  { id: 'reader', label: 'Reader', kind: 'service', process: true, at: { col: 2, row: 0 } },
  { ...postgres, at: { col: 2, row: 1 } },
];
